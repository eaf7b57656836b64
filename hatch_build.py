"""Build hook: compiles the gettext catalogs (src/coopprogram/locale/*/LC_MESSAGES/coop.po) into
the .mo files the program reads, for the wheel and for the editable install alike (the .mo files
are build products, not kept in git)."""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogs(root: Path) -> list[Path]:
    """Every catalog compiled when its .po is newer than its .mo; the .mo paths. Fuzzy entries are left out."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for source in sorted((root / "src" / "coopprogram" / "locale").glob("*/LC_MESSAGES/*.po")):
        target = source.with_suffix(".mo")
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            with source.open("rb") as file:
                catalog = read_po(file, locale=source.parent.parent.name)
            with target.open("wb") as file:
                write_mo(file, catalog, use_fuzzy=False)
        compiled.append(target)
    return compiled


class CatalogsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        for target in compile_catalogs(root):
            build_data["artifacts"].append(target.relative_to(root).as_posix())


if __name__ == "__main__":  # `make install` recompiles after a .po changes
    compile_catalogs(Path(__file__).resolve().parent)
