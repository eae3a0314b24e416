"""GET /v1/high-cost/pharmaceuticals over real HTTP: purchases registered through the HKDB
mock's admin API, the account the mock computes with the dated ladders, what the gateway makes
of it, proxy rules and every kind of upstream trouble."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from stdnum import luhn

from tests.conftest import TODAY
from tests.ehm_support import Ehm, ehm_server

ADULT = "196804152384"
NEW_MODEL = [
    {"fromGross": 0, "toGross": 2000, "patientPaysPercent": 100},
    {"fromGross": 2000, "toGross": 3600, "patientPaysPercent": 75},
    {"fromGross": 3600, "toGross": 5255, "patientPaysPercent": 25},
    {"fromGross": 5255, "toGross": 7117, "patientPaysPercent": 10},
    {"fromGross": 7117, "toGross": None, "patientPaysPercent": 0},
]


@pytest.fixture(scope="module")
def ehm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ehm]:
    yield from ehm_server(tmp_path_factory.mktemp("ehm-hkdb"))


@pytest.fixture(autouse=True)
def fresh(ehm: Ehm) -> Iterator[None]:
    yield
    ehm.reset()


_serials = iter(range(300, 999, 2))


def adult() -> str:
    """A fresh synthetic adult (born 1970) with no purchases yet."""
    first = f"19700101{next(_serials):03d}"
    return first + luhn.calc_check_digit(first[2:])


def buy(ehm: Ehm, patient: str, day: date, gross: float) -> None:
    answer = ehm.admin(
        "hkdb",
        "POST",
        "purchases",
        json={"patient": patient, "date": day.isoformat(), "gross": gross},
    )
    assert answer.status_code == 201, answer.text


def account(ehm: Ehm, subject: str, act_for: str | None = None) -> dict:
    answer = ehm.get("/v1/high-cost/pharmaceuticals", subject, act_for)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_default_adult_has_a_current_and_a_previous_period(ehm: Ehm) -> None:
    assert account(ehm, ADULT) == {
        "enrolled": True,
        "period": {"start": "2026-08-17", "end": "2027-08-16"},
        "paid": {"gross": 2300.0, "net": 2225.0},  # 2 000 + 75 % of 300
        "discountPercent": 25,
        "leftUntilFreeCard": {"gross": 4817.0, "net": 1575.0},
        "freeCard": None,
        "ladder": NEW_MODEL,
        # started 2025-04-04: the 2025 ladder, 1 450 + 50 % of 650.50
        "previousPeriod": {
            "period": {"start": "2025-04-04", "end": "2026-04-03"},
            "paid": {"gross": 2100.5, "net": 1775.25},
        },
    }


@pytest.mark.parametrize(
    ("gross", "net", "discount", "left"),
    [
        (2000, 2000, 25, {"gross": 5117, "net": 1800}),  # the end of full cost
        (3600, 3200, 75, {"gross": 3517, "net": 600}),
        (5255, 3613.75, 90, {"gross": 1862, "net": 186.25}),
        (7116.99, 3799.95, 90, {"gross": 0.01, "net": 0.05}),
        (7117, 3800, 100, {"gross": 0, "net": 0}),  # free card
    ],
)
def test_exactly_at_each_step_of_the_new_model(
    ehm: Ehm, gross: float, net: float, discount: int, left: dict
) -> None:
    patient = adult()
    buy(ehm, patient, TODAY, gross)
    found = account(ehm, patient)
    assert found["paid"] == {"gross": gross, "net": net}
    assert found["discountPercent"] == discount
    assert found["leftUntilFreeCard"] == left
    expected_card = {"from": "2026-11-25", "to": "2027-11-24"} if gross >= 7117 else None
    assert found["freeCard"] == expected_card


@pytest.mark.parametrize(
    ("start", "net"),
    [
        (date(2024, 12, 31), 1712.5),  # the 2024 ladder: 1 425 + 50 % of 575
        (date(2025, 1, 1), 1725.0),  # the 2025 ladder: 1 450 + 50 % of 550
        (date(2025, 6, 30), 1725.0),
        (date(2025, 7, 1), 2000.0),  # the model of 1 July 2025: full cost up to 2 000
    ],
)
def test_the_ladder_is_the_one_of_the_period_start(ehm: Ehm, start: date, net: float) -> None:
    patient = adult()
    buy(ehm, patient, start, 2000)
    previous = account(ehm, patient)["previousPeriod"]
    assert previous["paid"] == {"gross": 2000.0, "net": net}


def test_a_period_rolls_over_the_day_after_it_ends(ehm: Ehm) -> None:
    patient = adult()
    first = TODAY - timedelta(days=365)  # 2025-11-25: ends 2026-11-24
    buy(ehm, patient, first, 1000)
    buy(ehm, patient, TODAY - timedelta(days=1), 500)  # its last day
    buy(ehm, patient, TODAY, 300)  # starts the next period
    found = account(ehm, patient)
    assert found["period"] == {"start": "2026-11-25", "end": "2027-11-24"}
    assert found["paid"] == {"gross": 300.0, "net": 300.0}
    assert found["previousPeriod"] == {
        "period": {"start": "2025-11-25", "end": "2026-11-24"},
        "paid": {"gross": 1500.0, "net": 1500.0},
    }


def test_the_free_card_is_dated_by_the_transaction_that_reached_the_ceiling(ehm: Ehm) -> None:
    """From HamtaHkdbTransaktionerWebb: the purchase on day 3 reached 3 800 kr; later ones
    and the one before do not date it."""
    patient = adult()
    start = TODAY - timedelta(days=10)
    for day, gross in ((0, 5000), (3, 2500), (5, 100), (7, 100)):
        buy(ehm, patient, start + timedelta(days=day), gross)
    found = account(ehm, patient)
    assert found["freeCard"] == {"from": "2026-11-18", "to": "2027-11-14"}
    assert found["leftUntilFreeCard"] == {"gross": 0, "net": 0}


def test_a_free_card_reached_before_the_latest_five_transactions_has_no_date(ehm: Ehm) -> None:
    patient = adult()
    buy(ehm, patient, TODAY - timedelta(days=20), 8000)
    for day in range(5):
        buy(ehm, patient, TODAY - timedelta(days=day), 10)
    assert account(ehm, patient)["freeCard"] == {"from": None, "to": "2027-11-04"}


def test_a_child_under_18_pays_nothing_and_a_guardian_may_look(ehm: Ehm) -> None:
    child = ehm.patients("hkdb")["child-12"]
    found = account(ehm, ADULT, act_for=child)
    assert found["paid"] == {"gross": 450.0, "net": 0.0}
    assert found["discountPercent"] == 100


def test_a_guardian_may_not_look_at_a_child_of_13(ehm: Ehm) -> None:
    thirteen = TODAY.replace(year=TODAY.year - 13)
    first = f"{thirteen:%Y%m%d}193"
    child = first + luhn.calc_check_digit(first[2:])
    refused = ehm.get("/v1/high-cost/pharmaceuticals", ADULT, child)
    assert (refused.status_code, refused.json()["code"]) == (403, "PROXY_NOT_ALLOWED")


def test_not_enrolled(ehm: Ehm) -> None:
    found = account(ehm, ehm.patients("hkdb")["not-enrolled"])
    assert found["enrolled"] is False
    assert (found["period"], found["freeCard"], found["ladder"]) == (None, None, [])


def test_purchases_are_refused_in_the_future_or_before_every_ladder(ehm: Ehm) -> None:
    for day, code in (
        (TODAY + timedelta(days=1), "FUTURE_PURCHASE"),
        (date(2023, 12, 31), "INVALID_DOCUMENT"),
    ):
        answer = ehm.admin(
            "hkdb",
            "POST",
            "purchases",
            json={"patient": ADULT, "date": day.isoformat(), "gross": 10},
        )
        assert (answer.status_code, answer.json()["code"]) == (400, code)
    assert (
        ehm.admin(
            "hkdb", "POST", "purchases", json={"patient": ADULT, "date": "2026-11-01", "gross": 0}
        ).status_code
        == 400
    )
    assert len(ehm.admin("hkdb", "GET", "purchases").json()["purchases"]) == 7


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"type": "apotek_fault", "exception": "ApplicationException"}, 502, "UPSTREAM_FAULT"),
        (
            {
                "type": "apotek_fault",
                "exception": "SystemException",
                "code": "SYS1",
                "description": "Databasen svarar inte",
            },
            503,
            "UPSTREAM_UNAVAILABLE",
        ),
        ({"type": "soap_fault"}, 502, "UPSTREAM_FAULT"),
        ({"type": "http_status", "status": 503}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "malformed"}, 502, "UPSTREAM_INVALID_RESPONSE"),
        ({"type": "reset"}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "latency", "ms": 2500}, 504, "UPSTREAM_TIMEOUT"),
    ],
)
def test_upstream_trouble_maps_to_problems(ehm: Ehm, fault: dict, status: int, code: str) -> None:
    assert ehm.admin("hkdb", "POST", "faults", json={**fault, "times": 1}).status_code == 201
    answer = ehm.get("/v1/high-cost/pharmaceuticals", ADULT)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
