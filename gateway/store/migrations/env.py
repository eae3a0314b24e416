"""Alembic's entry point: the connection comes from gateway.store.migrate()."""

from __future__ import annotations

from alembic import context

from gateway.store.tables import metadata

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
