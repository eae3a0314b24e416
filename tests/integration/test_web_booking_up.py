"""A slot is never booked twice, also when many citizens race for it through the gateway of
`etjanst up` to the Cosmic mock served by several worker processes (`etjanst mocks`): exactly
one booking, every other citizen told the slot is taken.

The mocks run on a server of their own because each gateway request on `etjanst up` waits for a
mock request on the same server: with more concurrent clients than half its threads, the mock
calls can queue behind the gateway calls that wait for them (see the README)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests

from gateway.auth import mint_token
from gateway.domain.identity import with_check_digit
from tests.conftest import ADMIN, SECRET, TENHULT
from tests.integration.test_etjanst_up import serving

CITIZENS = 20


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[str, str]]:
    """(the gateway, the mocks it calls), each with several worker processes."""
    with serving("mocks", "--workers", "3", "--threads", "8", ready="/mocks/") as mocks:
        cosmic = {"ETJANST_UPSTREAMS__COSMIC__URL": f"{mocks}/mocks/cosmic"}
        with serving("up", "--workers", "2", "--threads", "16", ready="/readyz", env=cosmic) as up:
            yield up, mocks


def citizens(count: int) -> list[str]:
    """Valid, distinct personnummer born 1 January 1980."""
    return [with_check_digit(f"19800101{n:03d}") for n in range(200, 200 + count)]


def test_twenty_citizens_race_for_one_slot(servers: tuple[str, str]) -> None:
    up, mocks = servers
    day = date(2026, 11, 30)  # a Monday, days after the pinned today
    who = citizens(CITIZENS)
    listed = requests.get(
        f"{up}/v1/units/{TENHULT}/slots",
        params={"from": day.isoformat(), "to": day.isoformat()},
        headers={"Authorization": f"Bearer {mint_token(SECRET, who[0])}"},
        timeout=30,
    ).json()["slots"]
    slot = listed[0]

    def book(person: str) -> int:
        # a fresh connection each, so gunicorn spreads them over the workers
        response = requests.post(
            f"{up}/v1/units/{TENHULT}/appointments",
            json={"slotId": slot["id"]},
            headers={"Authorization": f"Bearer {mint_token(SECRET, person)}"},
            timeout=60,
        )
        assert response.status_code in (201, 409), response.text
        if response.status_code == 409:
            assert response.json()["code"] == "SLOT_TAKEN"
        return response.status_code

    with ThreadPoolExecutor(max_workers=CITIZENS) as pool:
        statuses = list(pool.map(book, who))
    assert sorted(statuses) == [201] + [409] * (CITIZENS - 1)
    journal = requests.get(f"{mocks}{ADMIN}/journal", params={"limit": 200}, timeout=10).json()
    made = [
        e
        for e in journal["exchanges"]
        if e["operation"] == "MakeBooking"
        and "<bookingId>" in e["response"]["body"].replace("ns:", "")
    ]
    assert len(made) == 1  # the mock handed out one booking
    remaining = requests.get(
        f"{up}/v1/units/{TENHULT}/slots",
        params={"from": day.isoformat(), "to": day.isoformat()},
        headers={"Authorization": f"Bearer {mint_token(SECRET, who[0])}"},
        timeout=30,
    ).json()["slots"]
    assert slot["id"] not in [s["id"] for s in remaining]
    booked = [
        person
        for person in who
        if requests.get(
            f"{up}/v1/units/{TENHULT}/appointments",
            headers={"Authorization": f"Bearer {mint_token(SECRET, person)}"},
            timeout=30,
        ).json()["appointments"]
    ]
    assert len(booked) == 1
