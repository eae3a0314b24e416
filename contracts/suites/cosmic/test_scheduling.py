"""What the gateway relies on from a crm:scheduling 1.1 producer (web booking), checked with the
gateway's own client (CosmicClient), against the built-in mocks or a real producer.

Test data: against the built-in mocks, the default dataset's `booked-appointments` patient and
Tenhult. Against a real producer (no admin API), from the environment:

    ETJANST_CONTRACT_COSMIC_BOOKING_PATIENT  an identity number with booked appointments at ...
    ETJANST_CONTRACT_COSMIC_BOOKING_UNIT     ... this care unit (HSA-id), which has free slots
    ETJANST_CONTRACT_COSMIC_BOOKING_WRITE=1  also book and cancel a free slot (a real booking!)

Without them the tests are skipped, saying why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests

from contracts.suites.cosmic.support import Probe
from contracts.suites.target import Target
from gateway.domain.age import Caller
from gateway.domain.identity import parse_identity
from gateway.domain.units import normalise_unit_id
from gateway.upstreams.cosmic_scheduling import Requested, SlotGone

PATIENT_ENV = "ETJANST_CONTRACT_COSMIC_BOOKING_PATIENT"
UNIT_ENV = "ETJANST_CONTRACT_COSMIC_BOOKING_UNIT"
WRITE_ENV = "ETJANST_CONTRACT_COSMIC_BOOKING_WRITE"
DEFAULT_LABEL, DEFAULT_UNIT = "booked-appointments", "SE2321000057-5VTN"


@dataclass(frozen=True)
class BookingData:
    caller: Caller
    unit: str
    may_write: bool


@pytest.fixture(scope="module")
def booking(target: Target) -> BookingData:
    if target.builtin_mocks:
        response = requests.get(f"{target.admin_url('cosmic')}/patients", timeout=10)
        response.raise_for_status()
        ids = {p["label"]: p["id"] for p in response.json()["patients"]}
        return BookingData(Caller(parse_identity(ids[DEFAULT_LABEL])), DEFAULT_UNIT, True)
    number, unit = os.environ.get(PATIENT_ENV, ""), os.environ.get(UNIT_ENV, "")
    if not number or not unit:
        pytest.skip(f"needs test data on a real producer: set {PATIENT_ENV} and {UNIT_ENV}")
    return BookingData(
        Caller(parse_identity(number)),
        normalise_unit_id(unit),
        os.environ.get(WRITE_ENV) == "1",
    )


def test_the_schedule_lists_booked_timeslots_at_the_unit(
    cosmic: Probe, booking: BookingData
) -> None:
    found = cosmic.client.schedule(booking.unit, booking.caller)
    assert found, "the test patient has no booked appointments at the unit"
    for slot in found:
        assert slot.booking_id, "a booked timeslot without a bookingId"
        assert slot.facility.id == booking.unit
        assert slot.start < slot.end
        assert slot.subject_of_care in (None, booking.caller.patient.number)


def test_free_timeslots_have_times_and_no_booking(
    cosmic: Probe, booking: BookingData, target: Target
) -> None:
    first = target.today + timedelta(days=1)
    found = cosmic.client.available(
        booking.unit, booking.caller, first, first + timedelta(days=13), None, None
    )
    assert found, "no free timeslots in the coming two weeks"
    for slot in found:
        assert slot.booking_id is None and slot.facility.id == booking.unit
        assert first <= slot.start.date() <= first + timedelta(days=13)
        assert slot.start < slot.end


def test_book_refuse_a_second_time_and_cancel(
    cosmic: Probe, booking: BookingData, target: Target
) -> None:
    if not booking.may_write:
        pytest.skip(f"books and cancels a real slot: set {WRITE_ENV}=1 to allow it")
    first = target.today + timedelta(days=7)
    slot = cosmic.client.available(
        booking.unit, booking.caller, first, first + timedelta(days=6), None, None
    )[-1]
    wanted = Requested(
        facility=booking.unit,
        start=slot.start,
        end=slot.end,
        performer=slot.performer.id if slot.performer else None,
        time_type=slot.time_type.id if slot.time_type else None,
    )
    made = cosmic.client.book(booking.caller, wanted, None)
    try:
        details = cosmic.client.booking(booking.unit, booking.caller, made.booking_id or "")
        assert (details.start, details.booking_id) == (slot.start, made.booking_id)
        with pytest.raises(SlotGone):
            cosmic.client.book(booking.caller, wanted, None)
    finally:
        cosmic.client.cancel(booking.unit, booking.caller, made.booking_id or "")
    again = cosmic.client.available(
        booking.unit, booking.caller, first, first + timedelta(days=6), None, None
    )
    assert slot.start in [s.start for s in again], "a cancelled slot is not free again"
