"""`coop calendar publish`: secret per-co-op file names kept in the database, refresh hints,
the links page, re-publishing that rewrites only what changed, and rotation."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import vobject
from sqlmodel import select

from coopprogram.models import Coop, Program


def _secrets(url: str) -> dict[str, str]:
    from coopprogram.db import unit_of_work

    with unit_of_work(url, write=False) as db:
        found = {coop.slug: coop.feed_secret for coop in db.exec(select(Coop)).all()}
        found[""] = db.exec(select(Program)).one().feed_secret
    return found


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in folder.iterdir()}


def test_publish_writes_secret_feeds_and_rewrites_only_what_changed(coop, demo_url, tmp_path: Path) -> None:
    folder = tmp_path / "www"
    first = coop("calendar", "publish", str(folder), "--base-url", "https://sei.example.org/cal")
    assert first.exit_code == 0, first.stderr
    secrets = _secrets(demo_url)
    assert all(re.fullmatch(r"[0-9a-f]{32}", secret) for secret in secrets.values())
    assert len(set(secrets.values())) == len(secrets)
    casa = folder / f"casa-limpia-{secrets['casa-limpia']}.ics"
    feed = vobject.readOne(casa.read_text())
    assert "Casa Limpia" in feed.x_wr_calname.value
    text = casa.read_text()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text and "X-PUBLISHED-TTL:PT1H" in text
    assert "Milestone" not in text
    links = (folder / f"links-{secrets['']}.html").read_text()
    assert f"https://sei.example.org/cal/casa-limpia-{secrets['casa-limpia']}.ics" in links
    assert f"webcal://sei.example.org/cal/voces-{secrets['voces']}.ics" in links
    assert (folder / "index.html").read_text().count("casa") == 0  # no listing of the secret names

    before = _snapshot(folder)
    again = coop("calendar", "publish", str(folder), "--base-url", "https://sei.example.org/cal")
    assert "0 written" in again.stdout and _snapshot(folder) == before

    coop("sessions", "cancel", "21", "--reason", "Snow")  # Strategy session 2: every co-op is invited
    from datetime import datetime

    from coopprogram.db import unit_of_work
    from coopprogram.services.sessions import show_session

    with unit_of_work(demo_url, write=False) as db:
        cancelled = show_session(db, session_id=21, now=datetime(2022, 1, 1, tzinfo=UTC))
    invited = {i.slug for i in cancelled.invitees}
    coop("calendar", "publish", str(folder), "--base-url", "https://sei.example.org/cal")
    after = _snapshot(folder)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == {f"{slug}-{secrets[slug]}.ics" for slug in invited} | {
        f"program-{secrets['']}.ics",
        f"manifest-{secrets['']}.json",  # the fingerprints of the feeds rewritten
    }


def test_rotating_a_secret_replaces_the_file(coop, demo_url, tmp_path: Path) -> None:
    folder = tmp_path / "www"
    coop("calendar", "publish", str(folder))
    old = _secrets(demo_url)["voces"]
    rotated = coop("calendar", "publish", str(folder), "--rotate", "voces")
    assert rotated.exit_code == 0 and "New links for: voces" in rotated.stdout
    new = _secrets(demo_url)["voces"]
    assert new != old and (folder / f"voces-{new}.ics").exists() and not (folder / f"voces-{old}.ics").exists()
    refused = coop("calendar", "publish", str(folder), "--base-url", "ftp://example.org")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error:")


def test_rotating_every_secret_replaces_every_feed_and_the_links_page(coop, demo_url, tmp_path: Path) -> None:
    folder = tmp_path / "www"
    coop("calendar", "publish", str(folder))
    old = _secrets(demo_url)
    rotated = coop("calendar", "publish", str(folder), "--rotate", "all")
    assert rotated.exit_code == 0, rotated.stderr
    new = _secrets(demo_url)
    assert all(new[key] != old[key] for key in old)
    names = {path.name for path in folder.iterdir()}
    assert not any(secret in name for name in names for secret in old.values())  # every old link stops working
    assert names == {"index.html", f"links-{new['']}.html", f"program-{new['']}.ics", f"manifest-{new['']}.json"} | {
        f"{slug}-{new[slug]}.ics" for slug in new if slug
    }
    assert f"{len(old) + 2} old files removed" in rotated.stdout  # the feeds, the links page and the manifest


def test_publishing_again_renders_only_the_feeds_whose_content_changed(
    coop, demo_url, tmp_path: Path, monkeypatch
) -> None:
    """Nothing changed: no feed is rendered. One session's new title: only the feeds carrying it
    are rendered and rewritten, with the new title; a feed edited by hand is rendered again."""
    import coopprogram.exporters.ics as ics

    rendered: list[str] = []
    render = ics.render_ics

    def counted(view, **options):
        rendered.append(view.name)
        return render(view, **options)

    monkeypatch.setattr(ics, "render_ics", counted)
    folder = tmp_path / "www"
    assert coop("calendar", "publish", str(folder)).exit_code == 0
    secrets = _secrets(demo_url)
    assert len(rendered) == len(secrets)  # the program's feed and one per co-op
    before = _snapshot(folder)

    rendered.clear()
    again = coop("calendar", "publish", str(folder))
    assert rendered == [] and "0 written" in again.stdout and _snapshot(folder) == before

    from coopprogram.db import unit_of_work
    from coopprogram.services.sessions import show_session

    with unit_of_work(demo_url, write=False) as db:
        session = show_session(db, session_id=14, now=datetime(2022, 1, 1, tzinfo=UTC))
    carrying = {f"{i.slug}-{secrets[i.slug]}.ics" for i in session.invitees} | {f"program-{secrets['']}.ics"}
    assert len(carrying) == 12 and len(secrets) == 14  # two co-ops' feeds do not carry it
    assert coop("sessions", "edit", "14", "--title", "Strategy retreat, renamed").exit_code == 0
    rendered.clear()
    changed = coop("calendar", "publish", str(folder))
    assert changed.exit_code == 0, changed.stderr
    after = _snapshot(folder)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == carrying | {f"manifest-{secrets['']}.json"}
    assert len(rendered) == len(carrying)
    for name in carrying:
        assert "SUMMARY:Strategy retreat\\, renamed" in (folder / name).read_text()
    for name in set(before) - rewritten - {"index.html", f"links-{secrets['']}.html", f"manifest-{secrets['']}.json"}:
        assert "Strategy retreat" not in (folder / name).read_text()

    # A feed changed by hand (or by a sync tool) is rendered again and put back.
    touched = folder / sorted(carrying)[0]
    good = touched.read_bytes()
    touched.write_bytes(good.replace(b"renamed", b"RENAMED"))
    rendered.clear()
    assert "1 written" in coop("calendar", "publish", str(folder)).stdout
    assert touched.read_bytes() == good and len(rendered) == 1
