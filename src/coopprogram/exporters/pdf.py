"""PDF documents through Typst templates shipped in `templates/`, with Typst's bundled fonts
and the fallback fonts shipped in `fonts/` (GNU Unifont: CJK, emoji and the scripts the bundled
fonts lack) and no system font, so the same data gives the same document on any machine, offline.
The templates name the fallbacks after their main font: ("Libertinus Serif", "Unifont", "Unifont Upper")."""

from __future__ import annotations

import itertools
import json
from importlib.resources import files
from typing import Any

from coopprogram.exporters.json import plain

# typst-py keeps what a compilation memoized until ten later compilations have run (it calls
# comemo::evict(10) after each): a process that renders several documents (a test run, the bench's
# repeated report) would hold every report's layout, some 40 MB at 10x. Before compiling again,
# ten empty compilations age the earlier work out; a command that renders one document pays nothing.
_KEPT_COMPILATIONS = 10
_compilations = itertools.count()  # how many this process ran


def render_pdf(template: str, data: Any, labels: dict[str, str] | None = None) -> bytes:
    """The template filled with `data`; `sys.inputs.generator` names this program and its
    version, for the PDF's metadata; `sys.inputs.labels`, the template's fixed words in the
    document's language (templates that take them: agenda, minutes, unity)."""
    import typst

    from coopprogram import __version__

    if next(_compilations):
        no_fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False)  # an empty page needs none
        for _ in range(_KEPT_COMPILATIONS):
            typst.compile(b"", font_paths=no_fonts)
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
