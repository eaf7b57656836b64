"""`coop calendar sync URL`: the sessions pushed to a CalDAV calendar (Nextcloud, Radicale, any
CalDAV server) with the `caldav` client. Events are matched by UID: created when missing,
updated when ours is newer (SEQUENCE, then DTSTAMP), left alone when the same, so a second
sync sends nothing. Credentials come from the URL, COOP_CALDAV_USER/COOP_CALDAV_PASSWORD or
~/.netrc, and are never printed (messages show the address with its password masked).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit, urlunsplit

from coopprogram.config import display_location
from coopprogram.errors import CoopError, InvalidInput

USER_VARIABLE, PASSWORD_VARIABLE = "COOP_CALDAV_USER", "COOP_CALDAV_PASSWORD"


@dataclass(frozen=True)
class Outgoing:
    uid: str
    sequence: int
    stamp: datetime  # the DTSTAMP written, whole seconds, UTC
    title: str
    cancelled: bool
    data: bytes


@dataclass(frozen=True)
class SyncedEvent:
    title: str
    action: str  # created, updated, cancelled, unchanged, skipped
    detail: str = ""


@dataclass(frozen=True)
class SyncReport:
    location: str  # the address, password masked
    events: list[SyncedEvent] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for event in self.events if event.action == action)


@dataclass(frozen=True)
class Target:
    url: str  # without credentials
    username: str | None
    password: str | None
    shown: str  # for messages


def target(url: str) -> Target:
    """The calendar's address and the credentials to use: from the URL, else the environment, else ~/.netrc."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ord(ch) < 32 or ch == " " for ch in url):
        raise InvalidInput(
            f"'{display_location(url)}' is not a CalDAV calendar address: give https://server/path/to/calendar/."
        )
    username = unquote(parts.username) if parts.username else os.environ.get(USER_VARIABLE) or None
    password = unquote(parts.password) if parts.password else os.environ.get(PASSWORD_VARIABLE) if username else None
    if username is None:
        import netrc

        try:
            found = netrc.netrc().authenticators(parts.hostname)
        except (FileNotFoundError, netrc.NetrcParseError, OSError):
            found = None
        if found:
            username, _, password = found
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit(
        (parts.scheme, host, parts.path if parts.path.endswith("/") else parts.path + "/", parts.query, "")
    )
    return Target(clean, username, password, display_location(url))


def sync_calendar(url: str, *, events: list[Outgoing]) -> SyncReport:
    import caldav
    from caldav.lib import error as dav_error

    where = target(url)
    results: list[SyncedEvent] = []
    try:
        with caldav.DAVClient(url=where.url, username=where.username, password=where.password) as client:
            calendar = client.calendar(url=where.url)
            stored = {}
            for item in calendar.get_events():
                component = item.icalendar_component
                stored[str(component.get("UID", ""))] = (
                    item,
                    int(component.get("SEQUENCE", 0) or 0),
                    component.decoded("DTSTAMP", None),
                )
            for event in events:
                found = stored.get(event.uid)
                if found is None:
                    # SEQUENCE is ours: the library would raise it on every save.
                    calendar.add_event(event.data.decode("utf-8"), increase_seqno=False, no_overwrite=True)
                    results.append(SyncedEvent(event.title, "created"))
                    continue
                item, sequence, stamp = found
                if (sequence, stamp) == (event.sequence, event.stamp):
                    results.append(SyncedEvent(event.title, "unchanged"))
                elif sequence > event.sequence:
                    results.append(
                        SyncedEvent(
                            event.title,
                            "skipped",
                            f"the server's copy is newer (SEQUENCE {sequence}, ours {event.sequence})",
                        )
                    )
                else:
                    item.data = event.data.decode("utf-8")
                    item.save(increase_seqno=False, precondition="etag")
                    results.append(SyncedEvent(event.title, "cancelled" if event.cancelled else "updated"))
    except dav_error.AuthorizationError:
        who = (
            f"as {where.username}"
            if where.username
            else f"without a user name (set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or ~/.netrc)"
        )
        raise CoopError(
            f"The CalDAV server at {where.shown} refused access {who}; check the user name and password."
        ) from None
    except dav_error.NotFoundError:
        raise CoopError(
            f"There is no calendar at {where.shown}; copy the calendar's CalDAV address from your server."
        ) from None
    except Exception as error:
        if _unreachable(error):
            raise CoopError(
                f"Could not reach the CalDAV server at {where.shown}, or it did not answer in time; "
                "check the address and your connection, and run the sync again."
            ) from None
        if isinstance(error, (dav_error.DAVError, OSError)):
            raise CoopError(
                f"The CalDAV server at {where.shown} did not accept the sync ({_first_line(error)}); "
                f"{len(results)} events were done before it stopped. Run the sync again once it is fixed."
            ) from None
        raise
    return SyncReport(where.shown, results)


def _unreachable(error: BaseException | None) -> bool:
    """Whether the error (or one it came from) is a failed connection: refused, unknown host, timeout."""
    seen = 0
    while error is not None and seen < 10:
        if (
            isinstance(error, (ConnectionError, TimeoutError, socket.gaierror))
            or "ConnectionError" in type(error).__name__
            or "Failed to establish" in str(error)
        ):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
