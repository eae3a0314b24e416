"""Web-booking rules without a server: late cancellation, bookable slots, the search window,
the case types where web booking is missing, and Swedish local time both sides of summer time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from contracts.clock import STOCKHOLM
from gateway.domain.booking import Named, Timeslot, appointment, bookable, search_window
from gateway.domain.web_booking import CaseType, WebBooking, alternatives
from gateway.upstreams.cosmic_scheduling import local_time

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=STOCKHOLM)
PRIMARY = WebBooking(view=True, cancel=True, rebook=True, book=True, late_cancellation_hours=24)
SPECIALIST = WebBooking(True, True, False, False, 72)


def slot(start: datetime, cancel: bool = True, rebook: bool = True) -> Timeslot:
    return Timeslot(
        start=start,
        end=start + timedelta(minutes=30),
        facility=Named("SE2321000057-5VTN", None),
        performer=None,
        time_type=None,
        care_type=None,
        booking_id="BK-1",
        cancel_allowed=cancel,
        rebook_allowed=rebook,
    )


@pytest.mark.parametrize(
    ("hours_ahead", "web", "late"),
    [(23.99, PRIMARY, True), (24, PRIMARY, False), (71, SPECIALIST, True), (72, SPECIALIST, False)],
)
def test_late_cancellation_is_within_the_unit_s_limit(
    hours_ahead: float, web: WebBooking, late: bool
) -> None:
    assert appointment(slot(NOW + timedelta(hours=hours_ahead)), web, NOW).late_cancellation is late


def test_the_producer_s_flag_and_the_unit_s_offer_both_count() -> None:
    later = NOW + timedelta(days=3)
    assert appointment(slot(later, cancel=False), PRIMARY, NOW).can_cancel is False
    assert appointment(slot(later), SPECIALIST, NOW).can_rebook is False
    both = appointment(slot(later), PRIMARY, NOW)
    assert (both.can_cancel, both.can_rebook) == (True, True)


def test_only_slots_after_now_are_bookable() -> None:
    assert not bookable(slot(NOW), NOW)
    assert bookable(slot(NOW + timedelta(seconds=1)), NOW)


def test_the_search_window_starts_today_and_covers_at_most_31_days() -> None:
    today = date(2026, 11, 25)
    assert search_window(date(2020, 1, 1), date(2030, 1, 1), today) == (today, date(2026, 12, 25))
    assert search_window(date(2026, 12, 1), date(2026, 12, 3), today) == (
        date(2026, 12, 1),
        date(2026, 12, 3),
    )
    assert search_window(date(2026, 11, 1), date(2026, 11, 24), today) is None


def test_alternatives_name_the_case_types_for_what_is_missing() -> None:
    assert alternatives(PRIMARY) == []
    assert alternatives(SPECIALIST) == [
        CaseType.BOOK_APPOINTMENT,
        CaseType.CANCEL_OR_REBOOK_APPOINTMENT,
    ]
    assert alternatives(None) == [CaseType.BOOK_APPOINTMENT, CaseType.CANCEL_OR_REBOOK_APPOINTMENT]


def test_producer_times_are_swedish_local_time_summer_and_winter() -> None:
    assert local_time("20261201090000").isoformat() == "2026-12-01T09:00:00+01:00"
    assert local_time("20260701090000").isoformat() == "2026-07-01T09:00:00+02:00"
    assert local_time("20261301090000") is None
