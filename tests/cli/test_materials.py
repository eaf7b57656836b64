"""Materials: files kept privately under their SHA-256, links, a session's packet (folder or zip),
and `coop db check` noticing a missing or changed file."""

from __future__ import annotations

import hashlib
import json
import zipfile


def _materials_folder(url):
    from coopprogram.config import files_folder

    return files_folder(url, "materials")


def test_a_file_is_kept_privately_with_its_hash_and_exported_unchanged(coop, demo_url, tmp_path) -> None:
    slides = tmp_path / "Visioning 3 slides.pdf"
    slides.write_bytes(b"%PDF-1.4 slides in Spanish\n")
    result = coop(
        "materials", "add", str(slides), "--session", "16", "--lang", "es", "--title", "Visioning 3 slides (Spanish)"
    )
    assert result.exit_code == 0, result.stderr
    [view] = [v for v in json.loads(coop("materials", "list", "--session", "16", "--json").stdout) if not v["is_link"]]
    digest = hashlib.sha256(slides.read_bytes()).hexdigest()
    assert (view["title"], view["lang"], view["session_id"], view["phase_number"], view["sha256"], view["size"]) == (
        "Visioning 3 slides (Spanish)",
        "es",
        16,
        1,
        digest,
        len(slides.read_bytes()),
    )
    folder = _materials_folder(demo_url)
    kept = folder / f"{digest}.pdf"
    assert kept.read_bytes() == slides.read_bytes()
    assert folder.stat().st_mode & 0o777 == 0o700 and kept.stat().st_mode & 0o777 == 0o600
    out = tmp_path / "out.pdf"
    assert coop("materials", "export", str(view["id"]), "-o", str(out)).exit_code == 0
    assert out.read_bytes() == slides.read_bytes()
    assert coop("materials", "remove", str(view["id"])).exit_code == 0
    assert not kept.exists()


def test_db_check_reports_a_missing_or_changed_file(coop, demo_url, tmp_path) -> None:
    handout = tmp_path / "handout.md"
    handout.write_text("# Our five values\n", encoding="utf-8")
    added = coop("materials", "add", str(handout), "--session", "16").stdout
    number = added.split(":")[0].removeprefix("Added material ")
    assert coop("db", "check").exit_code == 0
    [kept] = _materials_folder(demo_url).iterdir()
    kept.write_text("# Someone edited this\n", encoding="utf-8")
    changed = coop("db", "check")
    assert changed.exit_code == 1
    assert (
        f"Material {number} (handout): its file" in changed.stderr
        and "has changed since it was added" in changed.stderr
    )
    kept.unlink()
    missing = coop("db", "check")
    assert missing.exit_code == 1 and "is missing" in missing.stderr
    assert coop("materials", "export", number, "-o", str(tmp_path / "x.md")).stderr.startswith(
        f"Error: Material {number} (handout): its file"
    )


def test_a_link_and_bad_input(coop, demo_url, tmp_path, unchanged) -> None:
    added = coop("materials", "add", "https://video.example.org/visioning-3", "--session", "16", "--title", "Recording")
    assert added.exit_code == 0
    number = added.stdout.split(":")[0].removeprefix("Added material ")
    assert coop("materials", "export", number).stdout == "https://video.example.org/visioning-3\n"
    with unchanged(demo_url):
        assert coop("materials", "add", str(tmp_path / "nowhere.pdf")).stderr.startswith("Error: ")
        wrong_lang = coop("materials", "add", "https://example.org/x", "--lang", "Spanish")
        assert wrong_lang.exit_code == 1 and "not a language code" in wrong_lang.stderr
        assert coop("materials", "add", "https://example.org/x", "--session", "999").exit_code == 1


def test_the_packet_holds_the_agenda_materials_and_current_points_of_unity(coop, demo_url, tmp_path) -> None:
    handout = tmp_path / "reading guide.md"
    handout.write_text("Read the draft aloud, point by point.\n", encoding="utf-8")
    number = (
        coop("materials", "add", str(handout), "--session", "17", "--title", "Reading guide")
        .stdout.split(":")[0]
        .removeprefix("Added material ")
    )
    coop("materials", "add", "https://video.example.org/unity-intro", "--session", "17", "--title", "Intro video")
    coop("materials", "add", str(tmp_path / "reading guide.md"), "--session", "16", "--title", "Not this session's")
    target = tmp_path / "packet.zip"
    result = coop("materials", "packet", "17", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
        assert names == ["README.md", "agenda.md", f"materials/{number}-reading-guide.md", "points-of-unity-v3.md"]
        assert archive.read(f"materials/{number}-reading-guide.md") == handout.read_bytes()
        assert archive.read("agenda.md").decode().startswith("# Points of unity workshop")
        index = archive.read("README.md").decode()
        assert "Intro video (en): https://video.example.org/unity-intro" in index and "Not this session" not in index
        assert (
            "Points of unity version 3 in Haitian Creole (ht): https://drive.example.org/sei/pwen-linite-v3-ht.pdf"
            in index
        )
    folder = tmp_path / "packet"
    assert coop("materials", "packet", "17", "-o", str(folder)).exit_code == 0
    assert (folder / "materials" / f"{number}-reading-guide.md").read_bytes() == handout.read_bytes()
    again = coop("materials", "packet", "17", "-o", str(folder))
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_backup_says_which_folders_to_copy_with_it(coop, demo_url, tmp_path) -> None:
    handout = tmp_path / "handout.md"
    handout.write_text("# Our five values\n", encoding="utf-8")
    coop("materials", "add", str(handout), "--session", "16")
    result = coop("db", "backup", "-o", str(tmp_path / "backup.db"))
    assert result.exit_code == 0, result.stderr
    assert f"Also copy {_materials_folder(demo_url)} (1 files, the materials' files) with the backup" in result.stdout
