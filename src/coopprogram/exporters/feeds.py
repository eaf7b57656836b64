"""The page of subscription links a publish writes beside the feeds: one line per co-op with
the link to give it, as webcal:// (opens the calendar app) and https:// (paste into Google)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the views, by type only: an exporter loads no service (and no SQLModel)
    from coopprogram.services.calendar_publish import Feed, Publication


PLACEHOLDER = "<!doctype html><meta charset=utf-8><title>Calendars</title><p>Nothing to see here.</p>\n"


def feed_links(feed: Feed, base_url: str) -> tuple[str, str]:
    """The https:// (or relative) address of a feed, and its webcal:// twin ("" without a base URL)."""
    if not base_url:
        return feed.file_name, ""
    address = f"{base_url.rstrip('/')}/{feed.file_name}"
    return address, "webcal://" + address.split("://", 1)[1]


def links_page(publication: Publication, base_url: str) -> str:
    def row(feed: Feed) -> str:
        address, webcal = feed_links(feed, base_url)
        subscribe = f' · <a href="{escape(webcal)}">open in a calendar app</a>' if webcal else ""
        return f"<tr><td>{escape(feed.title)}</td><td><code>{escape(address)}</code>{subscribe}</td></tr>"

    rows = "\n".join(row(feed) for feed in publication.coops)
    note = (
        ""
        if base_url
        else "<p>Give <code>--base-url</code> to see full addresses: these are the file names in the published folder.</p>"
    )
    return (
        "<!doctype html>\n<html lang=en><meta charset=utf-8><meta name=robots content=noindex>\n"
        f"<title>{escape(publication.program.title)}: calendar links</title>\n"
        f"<h1>{escape(publication.program.title)}: calendar links</h1>\n"
        "<p>Send each co-op its own link, and only its own: anyone with a link can read that calendar. "
        "In Google Calendar: Other calendars, +, From URL. In Outlook: Add calendar, Subscribe from web. "
        "In Apple Calendar: File, New Calendar Subscription. In Thunderbird: New Calendar, On the Network.</p>\n"
        f"{note}<table>\n<tr><th>Co-op</th><th>Subscription link</th></tr>\n{rows}\n"
        f"<tr><td><b>Whole program (working group)</b></td><td><code>{escape(feed_links(publication.program, base_url)[0])}</code></td></tr>\n"
        "</table>\n</html>\n"
    )
