"""Web-booking rules over plain data: what a citizen may do with a booked appointment, when a
cancellation is late, which slots can still be booked. `now` always comes in as an argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gateway.domain.web_booking import Capability, WebBooking


@dataclass(frozen=True)
class Named:
    id: str
    name: str | None


@dataclass(frozen=True)
class Timeslot:
    """A timeslot as the producer describes it, free or booked. Times are aware (Stockholm).
    A flag the producer leaves out is False: the contract's "not allowed"."""

    start: datetime
    end: datetime
    facility: Named
    performer: Named | None
    time_type: Named | None
    care_type: Named | None
    booking_id: str | None = None
    subject_of_care: str | None = None
    cancel_allowed: bool = False
    rebook_allowed: bool = False


@dataclass(frozen=True)
class Appointment:
    slot: Timeslot
    can_cancel: bool
    can_rebook: bool
    late_cancellation: bool


def is_late(start: datetime, now: datetime, web: WebBooking) -> bool:
    """Within the unit's late-cancellation limit: a fee may be charged."""
    return start - now < timedelta(hours=web.late_cancellation_hours)


def appointment(slot: Timeslot, web: WebBooking, now: datetime) -> Appointment:
    """What the citizen may do with a booked slot: the producer's flag and the unit's offer."""
    return Appointment(
        slot=slot,
        can_cancel=slot.cancel_allowed and web.offers(Capability.CANCEL),
        can_rebook=slot.rebook_allowed and web.offers(Capability.REBOOK),
        late_cancellation=is_late(slot.start, now, web),
    )


SEARCH_DAYS = 31  # one slot search covers at most this many days


def search_window(first: date, last: date, today: date) -> tuple[date, date] | None:
    """The days a slot search asks the producer for: from `first`, but not before today (those
    slots have begun), to `last`, but at most SEARCH_DAYS days; None when nothing is left."""
    start = max(first, today)
    end = min(last, start + timedelta(days=SEARCH_DAYS - 1))
    return (start, end) if start <= end else None


def bookable(slot: Timeslot, now: datetime) -> bool:
    """Only slots that start after now can be booked."""
    return slot.start > now
