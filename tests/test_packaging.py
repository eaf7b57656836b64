"""The built wheel is the whole program: installed into a fresh virtual environment (its
dependencies lent from this one, so nothing is downloaded), `coop init --demo` and the PDF
report run from it alone (templates, migrations and sample data are inside the wheel)."""

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.sqlite_only  # about the package, not the database: once per run is enough


def test_the_wheel_installs_and_runs_on_its_own(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = (tmp_path / "dist").glob("coopprogram-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "coopprogram/templates/report.typ" in names and "coopprogram/sample_data/coops.csv" in names
    assert any(name.startswith("coopprogram/migrations/versions/0001") for name in names)
    # The catalogs, compiled when the wheel is built (the .mo files are not kept in git).
    assert {"coopprogram/locale/es/LC_MESSAGES/coop.mo", "coopprogram/locale/pt/LC_MESSAGES/coop.mo"} <= set(names)

    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies come from this environment's site-packages as a plain path: its .pth
    # files (among them the editable install of the source tree) are not read.
    site_packages = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site_packages / "lent-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    env = {key: value for key, value in os.environ.items() if key not in ("COOP_DB", "PYTHONPATH")}
    env["HOME"] = str(tmp_path / "home")
    located = subprocess.run(
        [python, "-c", "import coopprogram; print(coopprogram.__file__)"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(target)

    coop = str(target / "bin" / "coop")
    database = str(tmp_path / "program.db")
    subprocess.run([coop, "--db", database, "init", "--demo"], env=env, cwd=tmp_path, check=True, capture_output=True)
    report = subprocess.run(
        [coop, "--db", database, "report", "--as-of", "2022-01-15", "-o", "x.pdf"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    agenda = subprocess.run(
        [coop, "--db", database, "agenda", "export", "3", "--lang", "es"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert agenda.returncode == 0 and "martes, 2 de noviembre de 2021" in agenda.stdout, agenda.stderr
    status = subprocess.run(
        [coop, "--db", database, "status", "--as-of", "2022-01-15"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Co-ops: 13 active (7 existing, 6 budding)" in status.stdout, status.stdout
