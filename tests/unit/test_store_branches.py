"""Migrations added independently by two areas (each after the same revision) are both applied:
the store upgrades every head, so merged branches never leave the schema half-made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect

import gateway.store as store

SIBLING = """
import sqlalchemy as sa
from alembic import op

revision = "sibling"
down_revision = "0002"


def upgrade() -> None:
    op.create_table("sibling_area", sa.Column("id", sa.Integer, primary_key=True))
"""


def test_every_head_is_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(store.MIGRATIONS, migrations)
    (migrations / "versions" / "sibling.py").write_text(SIBLING, encoding="utf-8")
    monkeypatch.setattr(store, "MIGRATIONS", migrations)
    engine = store.open_store(f"sqlite+pysqlite:///{tmp_path / 'gateway.sqlite3'}")
    tables = set(inspect(engine).get_table_names())
    assert {"sibling_area", "debug_requests", "debug_exchanges", "cases"} <= tables
