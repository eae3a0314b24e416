"""The dated high-cost ladders: each is well formed, reaches its ceiling at the free card, and
a period follows the ladder of its start date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts.ehm.ladders import NoLadder, ladder_for, ladders, period_end

D = Decimal


@pytest.mark.parametrize("ladder", ladders(), ids=lambda ladder: str(ladder.periods_from))
def test_every_ladder_is_contiguous_and_ends_in_the_free_card(ladder) -> None:
    assert ladder.steps[0].from_gross == 0
    for step, following in zip(ladder.steps, ladder.steps[1:], strict=False):
        assert step.to_gross == following.from_gross
        assert step.patient_pays_percent > following.patient_pays_percent
    assert ladder.steps[-1].to_gross is None and ladder.steps[-1].patient_pays_percent == 0
    assert ladder.source
    # the published limits are rounded: within a krona of the ceiling at the free card
    just_below = ladder.net(ladder.free_card_at - D("0.01"))
    assert ladder.ceiling - 1 <= just_below <= ladder.ceiling
    assert ladder.net(ladder.free_card_at) == ladder.net(D(100_000)) == ladder.ceiling


@pytest.mark.parametrize(
    ("start", "ceiling", "full_cost_up_to"),
    [
        (date(2024, 1, 1), 2850, 1425),
        (date(2024, 12, 31), 2850, 1425),
        (date(2025, 1, 1), 2900, 1450),
        (date(2025, 6, 30), 2900, 1450),
        (date(2025, 7, 1), 3800, 2000),
        (date(2026, 11, 25), 3800, 2000),
    ],
)
def test_a_period_follows_the_ladder_of_its_start_date(
    start: date, ceiling: int, full_cost_up_to: int
) -> None:
    ladder = ladder_for(start)
    assert (ladder.ceiling, ladder.steps[0].to_gross) == (ceiling, full_cost_up_to)


def test_no_ladder_before_the_first() -> None:
    with pytest.raises(NoLadder):
        ladder_for(date(2023, 12, 31))


@pytest.mark.parametrize(
    ("gross", "net", "pays"),
    [
        ("0", "0.00", 100),
        ("1425", "1425.00", 50),
        ("2720", "2072.50", 25),
        ("5054", "2656.00", 10),
        ("6993.99", "2850.00", 10),
        ("6994", "2850.00", 0),
    ],
)
def test_the_2024_ladder_at_each_step(gross: str, net: str, pays: int) -> None:
    ladder = ladder_for(date(2024, 3, 1))
    assert ladder.net(D(gross)) == D(net)
    assert ladder.percent_at(D(gross)) == pays


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 8, 17), date(2027, 8, 16)),
        (date(2025, 11, 25), date(2026, 11, 24)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_ends_the_day_before_the_same_date_a_year_later(start: date, end: date) -> None:
    assert period_end(start) == end
