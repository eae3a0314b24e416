"""The store's migrations form one line: `etjanst up` upgrades to the one head, so a second head
(two areas' migrations after the same revision, left unmerged) would leave one of them unapplied."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

import gateway.store as store


def test_the_migrations_have_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"migrations with more than one head: {heads}"
