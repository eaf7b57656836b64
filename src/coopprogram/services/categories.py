"""The categories hours are logged against: the scope of work, kept as program data.

A category may belong to one phase only (political education, technical assistance);
each phase names the category an entry gets when none is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, or_, select

from coopprogram.errors import InvalidInput, NotFound
from coopprogram.models import Category, Phase


@dataclass(frozen=True)
class CategoryView:
    slug: str
    name: str
    phase_number: int | None


def _view(category: Category) -> CategoryView:
    return CategoryView(slug=category.slug, name=category.name, phase_number=category.phase_number)


def categories_for_phase(db: Session, phase: Phase) -> list[Category]:
    query = select(Category).where(or_(Category.phase_number.is_(None), Category.phase_number == phase.number))
    return list(db.exec(query.order_by(Category.position)).all())


def list_categories(db: Session) -> list[CategoryView]:
    return [_view(category) for category in db.exec(select(Category).order_by(Category.position)).all()]


def category_for_entry(db: Session, *, phase: Phase, slug: str | None) -> Category:
    """The category named, if it applies to the phase; else the phase's default."""
    allowed = categories_for_phase(db, phase)
    if slug is None:
        default = next((c for c in allowed if c.id == phase.default_category_id), None)
        if default is None:
            raise InvalidInput(f"{phase.name} has no default category: give one with --category ({_slugs(allowed)}).")
        return default
    wanted = slug.strip().lower()
    match = next((c for c in allowed if c.slug == wanted), None)
    if match is None:
        if db.exec(select(Category.id).where(Category.slug == wanted)).first() is not None:
            raise InvalidInput(f"The category '{wanted}' is not used in {phase.name}: choose one of {_slugs(allowed)}.")
        raise NotFound(f"There is no category '{slug}'. Categories for {phase.name}: {_slugs(allowed)}.")
    return match


def _slugs(categories: list[Category]) -> str:
    return ", ".join(c.slug for c in categories) or "none"
