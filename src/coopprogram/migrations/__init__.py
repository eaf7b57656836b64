"""Alembic migrations, shipped in the package. HEAD_REVISION lets a command check the
schema without importing Alembic; a test keeps it equal to Alembic's own head."""

HEAD_REVISION = "0018"
