"""The restriction rules without a server: age on the day's boundary, and an upstream asked only
when an offering restricts on what it knows."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.domain.catalogue import Restrictions
from gateway.domain.restrictions import Patient, Restriction, eligibility_refusals

TODAY = date(2026, 11, 25)
UNIT = "SE2321000057-5VTN"


def never(*_: object) -> bool:
    raise AssertionError("an upstream was asked for an offering that does not restrict on it")


def patient(born: date, county: str | None = "06", listed: bool = True) -> Patient:
    return Patient(born, lambda unit: listed and unit == UNIT, lambda: county)


@pytest.mark.parametrize(
    ("born", "given", "refused"),
    [
        (date(2010, 11, 25), {"minAge": 16}, []),  # 16 today
        (date(2010, 11, 26), {"minAge": 16}, [Restriction.MIN_AGE]),  # 16 tomorrow
        (date(2013, 11, 25), {"maxAge": 12}, [Restriction.MAX_AGE]),  # 13 today
        (date(2013, 11, 26), {"maxAge": 12}, []),
        (date(2012, 2, 29), {"minAge": 16, "maxAge": 20}, [Restriction.MIN_AGE]),  # 14
    ],
)
def test_age_in_completed_years_on_the_day(born: date, given: dict, refused: list) -> None:
    assert eligibility_refusals(Restrictions(**given), patient(born), UNIT, TODAY) == refused


def test_no_upstream_is_asked_without_a_restriction_on_it() -> None:
    asked = Patient(date(1968, 4, 15), never, never)
    assert eligibility_refusals(Restrictions(minAge=18), asked, UNIT, TODAY) == []


def test_area_and_listing_and_an_unknown_county() -> None:
    given = Restrictions(area=("06",), listingRequired=True)
    born = date(1968, 4, 15)
    assert eligibility_refusals(given, patient(born), UNIT, TODAY) == []
    assert eligibility_refusals(given, patient(born, county=None, listed=False), UNIT, TODAY) == [
        Restriction.AREA,
        Restriction.LISTING_REQUIRED,
    ]


def test_an_age_range_that_is_empty_is_refused() -> None:
    with pytest.raises(ValueError, match="minAge"):
        Restrictions(minAge=18, maxAge=17)
