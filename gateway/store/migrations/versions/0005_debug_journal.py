"""The /_debug journal: gateway requests and their upstream exchanges.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "debug_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("correlation_id", sa.String(128), nullable=False, index=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("elapsed_ms", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_type", sa.String(200), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
    )
    op.create_table(
        "debug_exchanges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.Integer,
            sa.ForeignKey("debug_requests.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("upstream", sa.String(64), nullable=False),
        sa.Column("operation", sa.String(128)),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("request_headers", sa.JSON, nullable=False),
        sa.Column("request_body", sa.Text, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("response_headers", sa.JSON),
        sa.Column("response_body", sa.Text),
        sa.Column("elapsed_ms", sa.Float, nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False),
        sa.Column("error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("debug_exchanges")
    op.drop_table("debug_requests")
