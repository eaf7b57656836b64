"""A session's packet: the files that go in it (agenda, points of unity, an index listing the
materials and links), as names and bytes, in the packet's language; the caller adds the
materials' own files."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coopprogram.exporters.markdown import escape, unity_markdown
from coopprogram.exporters.unity import UnityDocument
from coopprogram.i18n import ENGLISH, Language

if TYPE_CHECKING:
    from coopprogram.services.materials import MaterialView


def safe_name(name: str) -> str:
    """A file name any system accepts: letters, digits, dot, dash and underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "file"


def material_path(view: MaterialView) -> str:
    return f"materials/{view.id}-{safe_name(view.file_name)}"


def packet_files(
    agenda_md: str, title: str, materials: list, unity: UnityDocument | None, lang: Language = ENGLISH
) -> list[tuple[str, bytes]]:
    index = [lang("# Packet: {title}").format(title=escape(title)), "", lang("- agenda.md: the agenda")]
    files = [("agenda.md", agenda_md.encode("utf-8"))]
    if unity is not None:
        name = f"points-of-unity-v{unity.version}.md"
        files.append((name, unity_markdown(unity, lang).encode("utf-8")))
        index.append(
            lang("- {file}: the points of unity, version {version} ({status})").format(
                file=name, version=unity.version, status=unity.status_word
            )
        )
    for view in materials:
        if view.is_link:
            index.append(f"- {escape(view.title)} ({view.lang}): {view.url}")
        else:
            index.append(f"- {material_path(view)}: {escape(view.title)} ({view.lang})")
    files.insert(0, ("README.md", ("\n".join(index) + "\n").encode("utf-8")))
    return files
