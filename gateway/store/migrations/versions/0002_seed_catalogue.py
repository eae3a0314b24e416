"""The catalogue's first contents: the central case types and the default units' local types,
from gateway/catalogue/central.yaml. Later changes go through the admin API.

Revision ID: 0002
"""

from __future__ import annotations

from alembic import op

from gateway.store.seed import seed_rows
from gateway.store.tables import case_types

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.bulk_insert(case_types, seed_rows())


def downgrade() -> None:
    op.execute(case_types.delete())
