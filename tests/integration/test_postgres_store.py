"""The gateway's database on a real PostgreSQL server: migrations from several processes at
once, and two gateway instances sharing the cases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import create_engine, inspect

from gateway.auth import mint_token
from gateway.store import migrate
from tests.conftest import SECRET, TENHULT
from tests.integration.test_etjanst_up import serving

PATIENT = "196804152384"  # 'adult-rules'


def test_migrations_from_several_processes_at_once_apply_once(postgres_url: str) -> None:
    engines = [create_engine(postgres_url) for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(migrate, engines))
    tables = set(inspect(engines[0]).get_table_names())
    assert {"cases", "case_types", "idempotency_keys", "alembic_version"} <= tables
    for engine in engines:
        engine.dispose()


def test_a_case_sent_through_one_gateway_is_read_through_another(postgres_url: str) -> None:
    env = {"ETJANST_STORE__URL": postgres_url}
    arguments = ("up", "--workers", "1", "--threads", "4")
    auth = {"Authorization": f"Bearer {mint_token(SECRET, PATIENT)}"}
    with (
        serving(*arguments, ready="/readyz", env=env) as first,
        serving(*arguments, ready="/readyz", env=env) as second,
    ):
        sent = requests.post(
            f"{first}/v1/units/{TENHULT}/cases",
            json={
                "type": "renew-prescription",
                "answers": {"drugs": [{"ordinationId": "RX-adult-rules-10"}]},
            },
            headers=auth,
            timeout=60,
        )
        assert sent.status_code == 201, sent.text
        read = requests.get(f"{second}{sent.headers['Location']}", headers=auth, timeout=60)
        assert read.status_code == 200
        assert read.json() == sent.json()
        assert read.json()["answers"]["drugs"][0]["name"] == "Waran"
