"""Alembic environment: runs on the connection coopprogram.db hands over, in batch mode
so that SQLite can alter tables the same way PostgreSQL does."""

from alembic import context

from coopprogram.models import load_all

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=load_all(),
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
