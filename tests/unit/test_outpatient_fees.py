"""The outpatient fee rules without a server: who is exempt (the gateway), and how the eFrikort
mock keeps a card from visits (periods, the ceiling in force, the last fee)."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.domain.outpatient_fees import FreeAges, OutpatientCard, exemption
from mocks.frikort.models import Ceiling, Holder, cards, ceiling_on, period_end

REGION = FreeAges(under=20, from_=85)
CEILINGS = [
    Ceiling(since=date(2024, 1, 1), amount=1400, source="test"),
    Ceiling(since=date(2025, 1, 1), amount=1450, source="test"),
]
HOLDER = Holder("191212121212", ("191212121212",))


def visit(number: int, day: str, fee: int) -> dict[str, object]:
    return {
        "number": f"{number:06d}",
        "date": day,
        "fee": fee,
        "registered": day,
        "patient": HOLDER.key,
    }


@pytest.mark.parametrize(
    ("birth", "today", "expected"),
    [
        (date(2006, 11, 25), date(2026, 11, 25), None),  # the 20th birthday: fees from today
        (date(2006, 11, 26), date(2026, 11, 25), "UNDER_20"),
        (date(1941, 11, 25), date(2026, 11, 25), "FROM_85"),  # the 85th birthday: free
        (date(1941, 11, 26), date(2026, 11, 25), None),
        (date(2008, 2, 29), date(2028, 2, 28), "UNDER_20"),  # 29 February: 20 on 29 February
        (date(2008, 2, 29), date(2028, 2, 29), None),
    ],
)
def test_exemption_birthdays(birth: date, today: date, expected: str | None) -> None:
    assert exemption(birth, today, REGION) == expected


def test_exemption_follows_the_regions_ages() -> None:
    assert exemption(date(2010, 1, 1), date(2026, 11, 25), FreeAges(under=18, from_=85)) == (
        "UNDER_18"
    )
    assert exemption(date(2010, 1, 1), date(2026, 11, 25), FreeAges(under=0, from_=200)) is None


def test_the_ceiling_is_paid_plus_left() -> None:
    card = OutpatientCard("1", date(2026, 1, 1), date(2026, 12, 31), None, 500.0, 950.0)
    assert (card.ceiling, card.free_card) == (1450.0, False)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 4, 25), date(2027, 4, 24)),  # the law's example: 25 April to 24 April
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_is_twelve_months(start: date, end: date) -> None:
    assert period_end(start) == end


def test_the_ceiling_in_force_on_a_day() -> None:
    assert ceiling_on(CEILINGS, date(2024, 12, 31)) == 1400
    assert ceiling_on(CEILINGS, date(2025, 1, 1)) == 1450
    with pytest.raises(ValueError, match="no ceiling"):
        ceiling_on(CEILINGS, date(2023, 12, 31))


def test_the_last_fee_counts_only_up_to_the_ceiling_and_later_visits_are_free() -> None:
    (card,) = cards(
        HOLDER,
        [visit(1, "2025-03-01", 1000), visit(2, "2025-04-01", 600), visit(3, "2025-05-01", 200)],
        CEILINGS,
    )
    assert (card.paid, card.ceiling, card.limit_reached) == (1450, 1450, date(2025, 4, 1))
    assert [t["amount"] for t in card.transactions] == [1000, 450]


def test_a_period_keeps_the_ceiling_of_its_start_date() -> None:
    (card,) = cards(HOLDER, [visit(1, "2024-12-31", 1000), visit(2, "2025-02-01", 600)], CEILINGS)
    assert (card.ceiling, card.paid, card.limit_reached) == (1400, 1400, date(2025, 2, 1))


def test_a_new_period_starts_after_the_last_day() -> None:
    first, second = cards(
        HOLDER,
        [visit(2, "2026-03-01", 100), visit(1, "2025-03-01", 100), visit(3, "2026-02-28", 50)],
        CEILINGS,
    )
    assert (first.start, first.end, first.paid) == (date(2025, 3, 1), date(2026, 2, 28), 150)
    assert (second.start, second.paid) == (date(2026, 3, 1), 100)
    assert first.system_id != second.system_id
