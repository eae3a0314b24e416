"""Migration 0004 on a database made before it: the central request-certificate type's one
central list becomes the units' own lists."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from gateway.store import MIGRATIONS, migrate
from gateway.store.tables import CENTRAL, case_types, unit_certificates


def upgrade(engine: sa.Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_the_central_list_becomes_the_units_lists(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0003")
    where = sa.and_(case_types.c.unit == CENTRAL, case_types.c.id == "request-certificate")
    with engine.begin() as connection:  # as the type was stored before 0004
        document = connection.execute(sa.select(case_types.c.document).where(where)).scalar()
        question = {**document["questions"][0], "options": ["körkortsintyg"]}
        del question["optionsFrom"]
        document["questions"][0] = question
        connection.execute(sa.update(case_types).where(where).values(document=document))
    migrate(engine)
    with engine.connect() as connection:
        migrated = connection.execute(sa.select(case_types.c.document).where(where)).scalar()
        lists = connection.execute(sa.select(unit_certificates.c.unit).distinct()).scalars()
        units = sorted(lists)
    assert migrated["questions"][0]["optionsFrom"] == "certificates"
    assert "options" not in migrated["questions"][0]
    assert units == ["SE2321000057-5RB2", "SE2321000057-5VTN"]
    engine.dispose()
