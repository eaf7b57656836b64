"""PDF documents through Typst templates shipped in `templates/`, with Typst's bundled fonts
and the fallback fonts shipped in `fonts/` (GNU Unifont: CJK, emoji and the scripts the bundled
fonts lack) and no system font, so the same data gives the same document on any machine, offline.
The templates name the fallbacks after their main font: ("Libertinus Serif", "Unifont", "Unifont Upper")."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from coopprogram.exporters.json import plain


def render_pdf(template: str, data: Any, labels: dict[str, str] | None = None) -> bytes:
    """The template filled with `data`; `sys.inputs.generator` names this program and its
    version, for the PDF's metadata; `sys.inputs.labels`, the template's fixed words in the
    document's language (templates that take them: agenda, minutes, unity)."""
    import typst

    from coopprogram import __version__

    source = files("coopprogram.templates").joinpath(template)
    return typst.compile(
        str(source),
        sys_inputs={
            "data": json.dumps(plain(data), ensure_ascii=False),
            "generator": f"coopprogram {__version__}",
            "labels": json.dumps(labels or {}, ensure_ascii=False),
        },
        font_paths=[str(files("coopprogram.fonts"))],
        ignore_system_fonts=True,
    )
