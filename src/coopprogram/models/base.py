"""What every table shares: the base class, the JSON document column type, the metadata's
naming convention and the CHECK constraint that holds a column to a vocabulary."""

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from coopprogram.vocab import check_sql

# A JSON document: text on SQLite (read with json_extract), JSONB on PostgreSQL (read with ->>).
# None is SQL NULL, not the JSON `null`, so "no document" is one thing in both databases.
# The PostgreSQL type is chosen when a PostgreSQL database is used: importing its dialect here
# would cost every command on SQLite some 50 ms of start-up.


class JSONDocument(TypeDecorator):
    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON(none_as_null=True))


JSON_DOCUMENT = JSONDocument()


# CHECK constraints are named ck_<table>_<column> (as migration 0013 made them), by the metadata's
# naming convention; indexes keep SQLModel's own (ix_<table>_<column>).
SQLModel.metadata.naming_convention = {"ix": "ix_%(column_0_label)s", "ck": "ck_%(table_name)s_%(constraint_name)s"}


def held_to(column: str, vocabulary: type[StrEnum]) -> CheckConstraint:
    """The column may hold only the vocabulary's values: named ck_<table>_<column>."""
    return CheckConstraint(check_sql(column, vocabulary), name=column)


class Table(SQLModel):
    """The base of every table. Pydantic builds a model's validators when one is first used,
    which a table never does (SQLModel does not validate table models): start-up is faster.
    Its annotations are real types, not strings (no `from __future__ import annotations` in the
    table modules): pydantic and SQLAlchemy would each evaluate every string again."""

    model_config = {"defer_build": True}  # a ConfigDict; SQLModel types it as its own subclass of one
