"""Slot ids are remembered per timeslot: every field of the timeslot is in the id it gets, the
same moment in another time zone is the same slot, and each id reads back to its timeslot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from contracts.clock import STOCKHOLM
from gateway.domain.booking import Named, Timeslot
from gateway.errors import InvalidSlot
from gateway.services.slot_ids import SlotIds

UNIT = "SE2321000057-5VTN"
SLOT = Timeslot(
    start=datetime(2026, 12, 2, 9, 0, tzinfo=STOCKHOLM),
    end=datetime(2026, 12, 2, 9, 20, tzinfo=STOCKHOLM),
    facility=Named(UNIT, "Tenhults vårdcentral"),
    performer=Named("SE2321000057-P1", "Dr A"),
    time_type=Named("T1", "Besök"),
    care_type=None,
    booking_id=None,
    subject_of_care=None,
    cancel_allowed=True,
    rebook_allowed=True,
)


@pytest.mark.parametrize(
    "other",
    [
        replace(SLOT, start=datetime(2026, 12, 2, 9, 20, tzinfo=STOCKHOLM)),
        replace(SLOT, end=datetime(2026, 12, 2, 9, 40, tzinfo=STOCKHOLM)),
        replace(SLOT, performer=Named("SE2321000057-P2", "Dr B")),
        replace(SLOT, performer=None),
        replace(SLOT, time_type=Named("T2", "Telefon")),
        replace(SLOT, facility=Named("SE2321000057-5VTM", "Annan")),
    ],
)
def test_each_timeslot_keeps_an_id_of_its_own(other: Timeslot) -> None:
    ids = SlotIds("s" * 40)
    first, second = ids.issue(SLOT), ids.issue(other)
    assert first != second
    assert ids.issue(SLOT) == first and ids.issue(other) == second
    read = ids.read(second, other.facility.id)
    assert (read.start, read.end) == (other.start, other.end)
    assert read.performer == (other.performer.id if other.performer else None)
    assert read.time_type == (other.time_type.id if other.time_type else None)


def test_a_remembered_id_is_the_one_signed_anew_and_reads_back() -> None:
    ids = SlotIds("s" * 40)
    remembered = ids.issue(SLOT)
    in_utc = replace(SLOT, start=SLOT.start.astimezone(UTC), end=SLOT.end.astimezone(UTC))
    assert SlotIds("s" * 40).issue(in_utc) == remembered
    read = ids.read(remembered, UNIT)
    assert read.start == SLOT.start and read.start.utcoffset() == SLOT.start.utcoffset()
    with pytest.raises(InvalidSlot):
        SlotIds("another secret " * 3).read(remembered, UNIT)
