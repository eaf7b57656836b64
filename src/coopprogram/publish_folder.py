"""Writing a publication into its folder: each feed rendered only when its content changed, one
feed at a time (never all of them in memory), through files.py. The folder keeps a manifest
(under the program's secret name) with each file's fingerprint, size and modification time, so
publishing again with nothing changed renders nothing; a file changed or removed by hand is
rendered and compared again.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coopprogram.errors import CoopError
from coopprogram.files import write_file

if TYPE_CHECKING:
    from coopprogram.i18n import Language
    from coopprogram.services.calendar_publish import Publication

MANIFEST_FORMAT = 1


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)  # file names, in the order of the publication
    unchanged: int = 0
    removed: int = 0


def _read_manifest(path: Path) -> dict[str, dict]:
    """The files recorded by the last publish; nothing when the manifest is missing or unreadable
    (every feed is then rendered and compared with the file on disk)."""
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(found, dict)
        or found.get("format") != MANIFEST_FORMAT
        or not isinstance(found.get("files"), dict)
    ):
        return {}
    return found["files"]


def _entry(path: Path, fingerprint: str) -> dict:
    status = path.stat()
    return {"fingerprint": fingerprint, "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def _still_holds(path: Path, recorded: dict | None, fingerprint: str) -> bool:
    """Whether the file is the one the last publish wrote for the same fingerprint (untouched since)."""
    if not recorded or recorded.get("fingerprint") != fingerprint:
        return False
    try:
        status = path.stat()
    except OSError:
        return False
    return status.st_size == recorded.get("size") and status.st_mtime_ns == recorded.get("mtime_ns")


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file already holds exactly these bytes (then it is left alone: clients see no change)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def write_publication(
    folder: Path,
    published: Publication,
    *,
    language: Language,
    feed_language: dict[str, Language],
    pages: dict[str, bytes],
    stale_name: re.Pattern[str],
) -> Outcome:
    """Write every feed of `published` whose bytes changed (a co-op's feed in `feed_language[slug]`,
    the program's in `language`) and the small `pages` (links page, placeholder), remove the
    files `stale_name` matches that this publication no longer has, then record the manifest."""
    from coopprogram.exporters.ics import EventCache, feed_fingerprint, render_ics

    outcome = Outcome()
    manifest_path = folder / published.manifest_file
    recorded = _read_manifest(manifest_path)
    kept: dict[str, dict] = {}
    written: dict[str, str] = {}  # name -> fingerprint, recorded once the write is done
    cache = EventCache()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        names = {feed.file_name for feed in published.feeds} | set(pages) | {published.manifest_file}
        stale = [path for path in folder.iterdir() if stale_name.match(path.name) and path.name not in names]
        with ThreadPoolExecutor(max_workers=4) as pool:  # writes overlap the rendering of the next feeds
            futures = []

            def write(name: str, data: bytes) -> None:
                futures.append(pool.submit(write_file, (folder / name).absolute(), data, replace=True))
                outcome.written.append(name)

            for feed in published.feeds:
                lang = feed_language.get(feed.coop_slug, language) if feed.coop_slug else language
                fingerprint = feed_fingerprint(feed.view, cache=cache, lang=lang)
                path = folder / feed.file_name
                if _still_holds(path, recorded.get(feed.file_name), fingerprint):
                    kept[feed.file_name] = recorded[feed.file_name]
                    outcome.unchanged += 1
                    continue
                data = render_ics(feed.view, cache=cache, lang=lang)
                written[feed.file_name] = fingerprint
                if _holds(path, data):
                    outcome.unchanged += 1
                else:
                    write(feed.file_name, data)
                del data
            for name, data in pages.items():
                if _holds(folder / name, data):
                    outcome.unchanged += 1
                else:
                    write(name, data)
        for future in futures:
            future.result()
        for path in stale:
            path.unlink(missing_ok=True)
        outcome.removed = len(stale)
        kept |= {name: _entry(folder / name, fingerprint) for name, fingerprint in written.items()}
        manifest = (json.dumps({"format": MANIFEST_FORMAT, "files": kept}, indent=1, sort_keys=True) + "\n").encode()
        if not _holds(manifest_path, manifest):
            write_file(manifest_path.absolute(), manifest, replace=True)
    except OSError as error:
        raise CoopError(f"Could not publish to {folder}: {error.strerror}. Choose a folder you can write to.") from None
    return outcome
