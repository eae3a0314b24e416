"""The web-booking state of the Cosmic mock (crm:scheduling): care units with their performers
and time types, timeslots, and bookings.

The dataset document describes them; `seed` turns it into entities of the kit's store, where
requests change them. Every change is one store transaction, so two worker processes can never
book the same slot: the second one sees the first one's booking.

    slot:<UNIT>  key "<start yyyyMMddHHmmss>|<performer>"  a timeslot, free or with a bookingId
    booking      key bookingId                               who, where, and what is allowed
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mocks.kit.fields import IdentityNumber
from mocks.kit.store import Entities, MockStore

BOOKING = "booking"
TS = "%Y%m%d%H%M%S"


def slot_kind(unit: str) -> str:
    return f"slot:{unit.upper()}"


def slot_key(start: datetime, performer: str) -> str:
    return f"{start:{TS}}|{performer.upper()}"


class TimeType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    minutes: int = Field(gt=0, le=480)


class Performer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="the performer's HSA-id")
    name: str


class CareType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str


class Facility(BaseModel):
    """A care unit (healthcare_facility) that takes bookings: LogicalAddress is its HSA-id."""

    model_config = ConfigDict(extra="forbid")
    hsaId: str
    name: str
    careType: CareType | None = None
    performers: list[Performer]
    timeTypes: list[TimeType]


class Slot(BaseModel):
    """A free timeslot; its end follows from the time type's length. Local Swedish time."""

    model_config = ConfigDict(extra="forbid")
    facility: str
    start: datetime
    performer: str
    timeTypeId: str


class Booking(Slot):
    """A booked timeslot and the unit's flags for it (a flag the producer leaves out means
    'not allowed'; here every flag is given)."""

    bookingId: str
    patient: IdentityNumber
    cancelAllowed: bool = True
    rebookAllowed: bool = True
    messageAllowed: bool = True


class LabelledPatient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: IdentityNumber
    label: str


class SchedulingDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facilities: list[Facility] = []
    slots: list[Slot] = Field([], description="free timeslots")
    bookings: list[Booking] = []
    patients: list[LabelledPatient] = Field([], description="who the bookings are for")

    @model_validator(mode="after")
    def _consistent(self) -> SchedulingDataset:
        facilities = {f.hsaId.upper(): f for f in self.facilities}
        seen: set[tuple[str, str]] = set()
        for slot in [*self.slots, *self.bookings]:
            facility = facilities.get(slot.facility.upper())
            if facility is None:
                raise ValueError(f"slot at {slot.facility}: no such facility")
            if slot.performer.upper() not in {p.id.upper() for p in facility.performers}:
                raise ValueError(f"slot at {slot.facility}: no performer {slot.performer}")
            if slot.timeTypeId not in {t.id for t in facility.timeTypes}:
                raise ValueError(f"slot at {slot.facility}: no time type {slot.timeTypeId}")
            where = (slot.facility.upper(), slot_key(slot.start, slot.performer))
            if where in seen:
                raise ValueError(f"two slots at {slot.facility} {slot.start} {slot.performer}")
            seen.add(where)
        if len({b.bookingId for b in self.bookings}) != len(self.bookings):
            raise ValueError("each bookingId may appear only once")
        return self

    def facility(self, hsa_id: str) -> Facility | None:
        return next((f for f in self.facilities if f.hsaId.upper() == hsa_id.upper()), None)

    @cached_property
    def _free_slots_xml(self) -> dict[tuple[str, ...], bytes]:
        """Each free slot's XML, by (facility, start, performer, time type): at most one per
        slot of the dataset, held as long as this version of it. A plain attribute once
        computed, as CosmicDataset._rendered."""
        return {}

    def free_slot_xml(self, key: tuple[str, ...], render: Callable[[], bytes]) -> bytes:
        found = self._free_slots_xml.get(key)
        if found is None:
            found = self._free_slots_xml[key] = render()
        return found


def seed(tx: Entities, document: Any) -> None:
    """The dataset's slots and bookings as entities (inside the dataset's own transaction)."""
    dataset = SchedulingDataset.model_validate(document or {})
    for slot in dataset.slots:
        tx.insert(slot_kind(slot.facility), slot_key(slot.start, slot.performer), _slot_doc(slot))
    for booking in dataset.bookings:
        doc = {**_slot_doc(booking), "bookingId": booking.bookingId}
        tx.insert(slot_kind(booking.facility), slot_key(booking.start, booking.performer), doc)
        tx.insert(BOOKING, booking.bookingId, _booking_doc(booking))


def _slot_doc(slot: Slot) -> dict[str, Any]:
    return {
        "facility": slot.facility.upper(),
        "start": f"{slot.start:{TS}}",
        "performer": slot.performer,
        "timeTypeId": slot.timeTypeId,
        "bookingId": None,
    }


def _booking_doc(booking: Booking) -> dict[str, Any]:
    return {
        "bookingId": booking.bookingId,
        "facility": booking.facility.upper(),
        "slot": slot_key(booking.start, booking.performer),
        "patient": booking.patient,
        "cancelAllowed": booking.cancelAllowed,
        "rebookAllowed": booking.rebookAllowed,
        "messageAllowed": booking.messageAllowed,
        "notification": None,
    }


class Refused(Exception):
    """A business outcome: the producer answers resultCode ERROR with this resultText."""


SLOT_TAKEN = "Tiden har blivit upptagen av annan patient"


class SchedulingBackend:
    """Reads and the three mutations (book, move, cancel), each one store transaction."""

    def __init__(self, store: MockStore, mock: str, dataset: SchedulingDataset) -> None:
        self.store, self.mock, self.dataset = store, mock, dataset

    # reads -----------------------------------------------------------------------------------
    def slots(self, facility: str, first: date, last: date) -> list[dict[str, Any]]:
        """Every slot of the facility (free or booked) starting on first..last, by start."""
        # a slot's key begins with its start (slot_key), so the days are a range of keys
        days = f"{first:%Y%m%d}", f"{last + timedelta(days=1):%Y%m%d}"
        return self.store.entities(self.mock).list(slot_kind(facility), keys=days)

    def booking(self, booking_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(booking, its slot), or None."""
        view = self.store.entities(self.mock)
        found = view.get(BOOKING, booking_id)
        if found is None:
            return None
        slot = view.get(slot_kind(found["facility"]), found["slot"])
        return (found, slot) if slot is not None else None

    def schedule(self, facility: str, patient: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        view = self.store.entities(self.mock)
        bookings = view.list(
            BOOKING, lambda b: b["facility"] == facility.upper() and b["patient"] == patient
        )
        pairs = [(b, view.get(slot_kind(facility), b["slot"])) for b in bookings]
        return sorted(((b, s) for b, s in pairs if s is not None), key=lambda p: p[1]["start"])

    # mutations -------------------------------------------------------------------------------
    def book(
        self, facility: str, wanted: str, patient: str, notification: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Book the free slot `wanted` (its key); raises Refused when it is gone."""
        with self.store.transaction(self.mock) as tx:
            slot = self._free_slot(tx, facility, wanted)
            booking_id = f"BK-{uuid.uuid4().hex[:16].upper()}"
            tx.put(slot_kind(facility), wanted, {**slot, "bookingId": booking_id})
            booking = {
                "bookingId": booking_id,
                "facility": facility.upper(),
                "slot": wanted,
                "patient": patient,
                "cancelAllowed": True,
                "rebookAllowed": True,
                "messageAllowed": True,
                "notification": notification,
            }
            tx.insert(BOOKING, booking_id, booking)
            return booking, {**slot, "bookingId": booking_id}

    def move(self, booking_id: str, facility: str, wanted: str, notification: str | None) -> None:
        """Move the booking to the free slot `wanted` at the same unit; the slot it had is free."""
        with self.store.transaction(self.mock) as tx:
            booking = _booking_at(tx, booking_id, facility)
            if not booking["rebookAllowed"]:
                raise Refused("Kan inte omboka denna typ av besök")
            kind = slot_kind(booking["facility"])
            slot = self._free_slot(tx, booking["facility"], wanted)
            tx.update(kind, booking["slot"], lambda old: {**old, "bookingId": None})
            tx.put(kind, wanted, {**slot, "bookingId": booking_id})
            moved = {**booking, "slot": wanted}
            if notification is not None:
                moved["notification"] = notification
            tx.put(BOOKING, booking_id, moved)

    def cancel(self, booking_id: str, facility: str) -> None:
        with self.store.transaction(self.mock) as tx:
            booking = _booking_at(tx, booking_id, facility)
            if not booking["cancelAllowed"]:
                raise Refused("Kan inte avboka denna typ av besök")
            kind = slot_kind(booking["facility"])
            tx.update(kind, booking["slot"], lambda old: {**old, "bookingId": None})
            tx.delete(BOOKING, booking_id)

    @staticmethod
    def _free_slot(tx: Entities, facility: str, wanted: str) -> dict[str, Any]:
        slot = tx.get(slot_kind(facility), wanted)
        if slot is None:
            raise Refused("Tiden finns inte")
        if slot["bookingId"] is not None:
            raise Refused(SLOT_TAKEN)
        return slot


def _booking_at(tx: Entities, booking_id: str, facility: str) -> dict[str, Any]:
    booking = tx.get(BOOKING, booking_id)
    if booking is None or booking["facility"] != facility.upper():
        raise Refused("Bokningen finns inte")
    return booking
