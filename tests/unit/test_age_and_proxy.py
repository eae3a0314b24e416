"""Who sees the list: 16th birthday (Stockholm date), proxy only for children under 13."""

from datetime import date

import pytest

from gateway.domain.age import Caller, ListReason, ProxyNotAllowed, age_on, list_refusal
from gateway.domain.identity import Identity, IdentityKind, parse_identity, with_check_digit


def person(birth: date) -> Identity:
    return parse_identity(with_check_digit(f"{birth:%Y%m%d}123"))


def test_age_counts_completed_years() -> None:
    assert age_on(date(2010, 11, 25), date(2026, 11, 24)) == 15
    assert age_on(date(2010, 11, 25), date(2026, 11, 25)) == 16


def test_leap_day_birthday_is_completed_on_1_march_in_common_years() -> None:
    assert age_on(date(2012, 2, 29), date(2025, 2, 28)) == 12
    assert age_on(date(2012, 2, 29), date(2025, 3, 1)) == 13
    assert age_on(date(2012, 2, 29), date(2028, 2, 29)) == 16


def test_list_is_shown_from_the_16th_birthday() -> None:
    today = date(2026, 11, 25)
    assert list_refusal(Caller(person(date(2010, 11, 25))), today) is None
    assert list_refusal(Caller(person(date(2010, 11, 26))), today) is ListReason.UNDER_16


def test_samordningsnummer_age_uses_the_real_birth_day() -> None:
    child = parse_identity(with_check_digit("20101185123"))  # born 2010-11-25, day + 60
    assert child.kind is IdentityKind.SAMORDNINGSNUMMER
    assert list_refusal(Caller(child), date(2026, 11, 24)) is ListReason.UNDER_16
    assert list_refusal(Caller(child), date(2026, 11, 25)) is None


def test_guardian_of_a_child_under_13_gets_no_list() -> None:
    guardian, child = person(date(1980, 1, 1)), person(date(2014, 1, 1))
    assert list_refusal(Caller(guardian, child), date(2026, 11, 25)) is ListReason.PROXY


def test_the_patient_is_the_child_a_guardian_acts_for() -> None:
    guardian, child = person(date(1980, 1, 1)), person(date(2014, 1, 1))
    assert Caller(guardian, child).patient == child
    assert Caller(guardian).patient == guardian


@pytest.mark.parametrize(
    ("birth", "today"),
    [
        (date(2013, 11, 25), date(2026, 11, 25)),
        (date(2012, 2, 29), date(2025, 3, 1)),
        (date(2012, 3, 1), date(2025, 3, 1)),  # born in a leap year, 13 in a common one
    ],
)
def test_proxy_for_a_child_of_13_is_refused(birth: date, today: date) -> None:
    with pytest.raises(ProxyNotAllowed):
        list_refusal(Caller(person(date(1980, 1, 1)), person(birth)), today)


def test_proxy_the_day_before_the_13th_leap_day_birthday_is_allowed() -> None:
    caller = Caller(person(date(1980, 1, 1)), person(date(2012, 2, 29)))
    assert list_refusal(caller, date(2025, 2, 28)) is ListReason.PROXY
