"""Writing a publication into its folder: each feed put together only when its content changed,
one feed at a time (never all of them in memory), through files.py. The folder keeps a manifest
(under the program's secret name) with the program's calendar token it was written at, and each
file's fingerprint, rendering key, size and modification time. Publishing again when the token,
the rendering keys and every file are as recorded reads no calendar at all (`unchanged_outcome`);
otherwise each feed's fingerprint (its sessions' event tokens) decides whether it is put
together. A file changed or removed by hand is put together and compared again. One publish
writes a folder at a time (`publishing`).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coopprogram.errors import Conflict, CoopError
from coopprogram.files import write_file

if TYPE_CHECKING:
    from coopprogram.calendar_assembly import PublishedCalendars
    from coopprogram.i18n import Language
    from coopprogram.services.calendar_publish import Publication

# 1 had no calendar token, 2 fingerprinted feeds by their events' content: an older manifest is
# read as none, so every feed is put together once and compared with its file.
MANIFEST_FORMAT = 3
WRITERS = 4
LOCK_WAIT_SECONDS = 300.0
LOCK_POLL_SECONDS = 0.2


@contextmanager
def publishing(folder: Path, *, waiting: Callable[[], None]) -> Iterator[None]:
    """The folder to oneself while a publication is worked out and written: made when missing
    (and removed again when the publish fails before writing in it), then locked. A second
    publish into the same folder (a scheduled one and a person's, two terminals) waits for the
    first rather than mixing its files with the other's or removing the files the other just
    wrote. The lock is on the folder itself (flock on its descriptor: no file is left in it) and
    taken before any database transaction, so two publishes never wait on each other."""
    made = [path for path in (folder, *folder.absolute().parents) if not path.exists()]  # deepest first
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise CoopError(f"Could not publish to {folder}: {error.strerror}. Choose a folder you can write to.") from None
    try:
        _lock(descriptor, folder, waiting)
        yield
    except BaseException:
        for path in made:  # the folders made for this publish, while nothing was written in them
            try:
                path.rmdir()
            except OSError:
                break
        raise
    finally:
        os.close(descriptor)  # the lock goes with it


def _lock(descriptor: int, folder: Path, waiting: Callable[[], None]) -> None:
    """Lock the folder open at `descriptor`, calling `waiting` once if another publish holds it;
    after LOCK_WAIT_SECONDS give up (Conflict). Where the file system cannot lock a folder (some
    network shares), go on unlocked."""
    import fcntl

    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError:  # no locks on this file system
            return
        if time.monotonic() >= deadline:
            raise Conflict(
                f"Another `coop calendar publish` has been writing to {folder} for {LOCK_WAIT_SECONDS:.0f} "
                "seconds. Nothing was published: run this again once it has finished."
            )
        if not told:
            waiting()
            told = True
        time.sleep(LOCK_POLL_SECONDS)


@dataclass(frozen=True)
class Placement:
    """How a publication goes into its folder: the program feed's language and each co-op feed's
    (by slug), the small pages written beside the feeds (links page, placeholder) and the names of
    published files, to remove those this publication no longer has."""

    language: Language
    feed_language: dict[str, Language]
    pages: dict[str, bytes]
    stale_name: re.Pattern[str]

    def languages(self, published: Publication) -> list[Language]:
        """Each feed's language, in the order of `published.feeds`."""
        return [
            self.feed_language.get(f.coop_slug, self.language) if f.coop_slug else self.language
            for f in published.feeds
        ]

    def stale(self, folder: Path, published: Publication) -> list[Path]:
        """The files of earlier publications (rotated names) that this one no longer has."""
        names = {feed.file_name for feed in published.feeds} | set(self.pages) | {published.manifest_file}
        return [path for path in folder.iterdir() if self.stale_name.match(path.name) and path.name not in names]


@dataclass
class Outcome:
    written: list[str] = field(default_factory=list)  # file names, in the order of the publication
    unchanged: int = 0
    removed: int = 0


def _read_manifest(path: Path) -> dict:
    """The last publish's record: its calendar token and its files. Nothing when the manifest is
    missing or unreadable (every feed is then rendered and compared with the file on disk)."""
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(found, dict)
        or found.get("format") != MANIFEST_FORMAT
        or not isinstance(found.get("files"), dict)
        or not isinstance(found.get("calendar_token"), str)
    ):
        return {}
    return found


def _entry(path: Path, fingerprint: str, rendering: str) -> dict:
    status = path.stat()
    return {
        "fingerprint": fingerprint,
        "rendering": rendering,
        "size": status.st_size,
        "mtime_ns": status.st_mtime_ns,
    }


def _still_holds(path: Path, recorded: dict | None, *, fingerprint: str | None = None, rendering: str) -> bool:
    """Whether the file is the one the last publish wrote for the same fingerprint (any, when
    None) and rendering key, untouched since."""
    if not recorded or recorded.get("rendering") != rendering:
        return False
    if fingerprint is not None and recorded.get("fingerprint") != fingerprint:
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


def unchanged_outcome(folder: Path, published: Publication, where: Placement) -> Outcome | None:
    """What a publish does when the folder already holds this publication (every feed and page
    unchanged, nothing read or written); None when it must be written (`write_publication`)."""
    if not folder_is_current(folder, published, where):
        return None
    return Outcome(unchanged=len(published.feeds) + len(where.pages))


def folder_is_current(folder: Path, published: Publication, where: Placement) -> bool:
    """Whether the folder already holds this publication: the last publish was made at the same
    calendar token, every feed with the same rendering key and untouched since, the pages hold
    these bytes and no old file is left. Then nothing need be read, rendered or written."""
    from coopprogram.exporters.ics import rendering_key

    if not published.calendar_token:
        return False
    recorded = _read_manifest(folder / published.manifest_file)
    if recorded.get("calendar_token") != published.calendar_token:
        return False
    files = recorded["files"]
    try:
        return (
            all(
                _still_holds(folder / feed.file_name, files.get(feed.file_name), rendering=rendering_key(lang))
                for feed, lang in zip(published.feeds, where.languages(published), strict=True)
            )
            and all(_holds(folder / name, data) for name, data in where.pages.items())
            and not where.stale(folder, published)
        )
    except OSError:  # an unreadable folder: the full publish says what is wrong
        return False


def write_publication(folder: Path, published: Publication, where: Placement, calendars: PublishedCalendars) -> Outcome:
    """Write every feed of `published` whose bytes changed, each in its language, and the pages;
    remove the files of earlier publications this one no longer has; then record the manifest.
    The feeds are put together by `calendars`, only those whose fingerprint changed. Called
    within `publishing`, which made the folder and holds it."""
    from coopprogram.exporters.ics import rendering_key

    outcome = Outcome()
    manifest_path = folder / published.manifest_file
    recorded = _read_manifest(manifest_path).get("files", {})
    kept: dict[str, dict] = {}
    written: dict[str, tuple[str, str]] = {}  # name -> fingerprint and rendering key, recorded once written
    try:
        stale = where.stale(folder, published)
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:  # writes overlap the rendering of the next feeds
            futures: deque[Future] = deque()

            def write(name: str, data: bytes) -> None:
                while len(futures) >= WRITERS:  # a feed waiting to be written holds its bytes: a few at a time
                    futures.popleft().result()
                futures.append(pool.submit(write_file, (folder / name).absolute(), data, replace=True))
                outcome.written.append(name)

            for feed, lang in zip(published.feeds, where.languages(published), strict=True):
                fingerprint, rendering = calendars.fingerprint(feed, lang), rendering_key(lang)
                path = folder / feed.file_name
                if _still_holds(path, recorded.get(feed.file_name), fingerprint=fingerprint, rendering=rendering):
                    kept[feed.file_name] = recorded[feed.file_name]
                    outcome.unchanged += 1
                    continue
                data = calendars.render(feed, lang)
                written[feed.file_name] = (fingerprint, rendering)
                if _holds(path, data):
                    outcome.unchanged += 1
                else:
                    write(feed.file_name, data)
                del data
            for name, data in where.pages.items():
                if _holds(folder / name, data):
                    outcome.unchanged += 1
                else:
                    write(name, data)
        for future in futures:
            future.result()
        for path in stale:
            path.unlink(missing_ok=True)
        outcome.removed = len(stale)
        kept |= {name: _entry(folder / name, *made) for name, made in written.items()}
        manifest = {"format": MANIFEST_FORMAT, "calendar_token": published.calendar_token, "files": kept}
        data = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
        if not _holds(manifest_path, data):
            write_file(manifest_path.absolute(), data, replace=True)
    except OSError as error:
        raise CoopError(f"Could not publish to {folder}: {error.strerror}. Choose a folder you can write to.") from None
    return outcome
