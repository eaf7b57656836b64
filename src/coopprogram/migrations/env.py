"""Alembic environment: runs on the connection coopprogram.db hands over, in batch mode
so that SQLite can alter tables the same way PostgreSQL does."""

from alembic import context
from sqlmodel import SQLModel

import coopprogram.models  # noqa: F401 - registers the tables on SQLModel.metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
