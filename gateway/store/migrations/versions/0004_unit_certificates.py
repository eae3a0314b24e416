"""The certificates each unit issues: request-certificate's choices come from the unit's own
list (seeded for the default units from gateway/catalogue/central.yaml), no longer from one
central list in the type's question.

Revision ID: 0004
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from gateway.store.seed import certificate_rows
from gateway.store.tables import CENTRAL, case_types

revision = "0004"
down_revision = "0003"
QUESTION = ("request-certificate", "certificate")


def upgrade() -> None:
    table = op.create_table(
        "unit_certificates",
        sa.Column("unit", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.bulk_insert(table, certificate_rows())
    _certificate_question(lambda q: {**_without(q, "options"), "optionsFrom": "certificates"})


def downgrade() -> None:
    names = sorted({row["name"] for row in certificate_rows()})
    _certificate_question(lambda q: {**_without(q, "optionsFrom"), "options": names})
    op.drop_table("unit_certificates")


Question = dict[str, Any]


def _without(question: Question, key: str) -> Question:
    return {k: v for k, v in question.items() if k != key}


def _certificate_question(change: Callable[[Question], Question]) -> None:
    """Rewrite the central request-certificate type's certificate question, as stored."""
    connection = op.get_bind()
    where = sa.and_(case_types.c.unit == CENTRAL, case_types.c.id == QUESTION[0])
    document = connection.execute(sa.select(case_types.c.document).where(where)).scalar()
    if document is None:
        return
    questions = [change(q) if q["id"] == QUESTION[1] else q for q in document["questions"]]
    connection.execute(
        sa.update(case_types).where(where).values(document={**document, "questions": questions})
    )
