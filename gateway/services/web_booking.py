"""Web booking ("Av- och omboka tid, Boka tid"): see, cancel, rebook and book appointments at a
care unit, over Cosmic's crm:scheduling. The API's guard has checked the unit's capability;
here: the proxy rule, the patient's own appointments, the producer's flags, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from gateway.domain.age import Caller
from gateway.domain.booking import (
    Appointment,
    Named,
    Timeslot,
    appointment,
    bookable,
    is_late,
    search_window,
)
from gateway.domain.units import Unit
from gateway.domain.web_booking import WebBooking
from gateway.errors import (
    AppointmentNotFound,
    CancelNotAllowed,
    InvalidSlot,
    RebookNotAllowed,
    SlotTaken,
)
from gateway.services.slot_ids import SlotIds
from gateway.upstreams.cosmic_scheduling import CosmicScheduling, Requested, SlotGone


@dataclass(frozen=True)
class AppointmentList:
    unit: Unit
    appointments: list[Appointment]
    notice: str | None


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    notice: str | None  # an INFO resultText


@dataclass(frozen=True)
class Cancelled:
    id: str
    late_cancellation: bool
    notice: str | None


def late_notice(web: WebBooking) -> str:
    return (
        f"Avbokning senare än {web.late_cancellation_hours} timmar före besöket: "
        "en avgift kan tas ut."
    )


class WebBookingService:
    def __init__(
        self,
        cosmic: CosmicScheduling,
        slot_ids: SlotIds,
        now: Callable[[], datetime],
    ) -> None:
        self.cosmic, self.slot_ids, self.now = cosmic, slot_ids, now

    def appointments(self, caller: Caller, unit: Unit) -> AppointmentList:
        now = self.now()
        web = _web(unit)
        found = [appointment(self._named(s, unit), web, now) for s in self._own(caller, unit)]
        late = any(a.late_cancellation and a.can_cancel for a in found)
        return AppointmentList(unit, found, late_notice(web) if late else None)

    def appointment(self, caller: Caller, unit: Unit, appointment_id: str) -> Appointment:
        now = self.now()
        return appointment(
            self._named(self._find(caller, unit, appointment_id), unit), _web(unit), now
        )

    def slots(
        self,
        caller: Caller,
        unit: Unit,
        first: date,
        last: date,
        time_type: str | None,
        rebook: str | None,
    ) -> list[tuple[str, Timeslot]]:
        """Free slots that start after now, each with the id that books it."""
        now = self.now()
        if rebook is not None:
            self._rebookable(caller, unit, rebook)
        window = search_window(first, last, now.date())
        if window is None:
            return []
        found = self.cosmic.available(unit.hsa_id, caller, *window, time_type, rebook)
        return [
            (self.slot_ids.issue(s), s)
            for s in sorted(found, key=lambda s: s.start)
            if bookable(s, now) and s.facility.id == unit.hsa_id
        ]

    def book(self, caller: Caller, unit: Unit, slot_id: str, message: str | None) -> Booked:
        now = self.now()
        wanted = self._requested(slot_id, unit, now)
        try:
            outcome = self.cosmic.book(caller, wanted, message)
        except SlotGone as exc:
            raise SlotTaken(f"the producer says: {exc}") from exc
        booked = self.cosmic.booking(unit.hsa_id, caller, outcome.booking_id or "")
        return Booked(appointment(self._named(booked, unit), _web(unit), now), outcome.notice)

    def rebook(self, caller: Caller, unit: Unit, appointment_id: str, slot_id: str) -> Booked:
        now = self.now()
        self._rebookable(caller, unit, appointment_id)
        wanted = self._requested(slot_id, unit, now)
        try:
            outcome = self.cosmic.move(caller, appointment_id, wanted)
        except SlotGone as exc:
            raise SlotTaken(f"the producer says: {exc}") from exc
        moved = self.cosmic.booking(unit.hsa_id, caller, appointment_id)
        return Booked(appointment(self._named(moved, unit), _web(unit), now), outcome.notice)

    def cancel(self, caller: Caller, unit: Unit, appointment_id: str) -> Cancelled:
        now = self.now()
        web = _web(unit)
        found = appointment(self._find(caller, unit, appointment_id), web, now)
        if not found.can_cancel:
            raise CancelNotAllowed("the unit has marked this appointment as not cancellable")
        outcome = self.cosmic.cancel(unit.hsa_id, caller, appointment_id)
        late = is_late(found.slot.start, now, web)
        notices = [late_notice(web)] if late else []
        notices += [outcome.notice] if outcome.notice else []
        return Cancelled(appointment_id, late, " ".join(notices) or None)

    # ---------------------------------------------------------------------------------------
    def _own(self, caller: Caller, unit: Unit) -> list[Timeslot]:
        """The patient's booked appointments at the unit, by start. The producer is asked for
        this patient's schedule only; anything else in its answer is left out."""
        patient = caller.patient.number
        return sorted(
            (
                s
                for s in self.cosmic.schedule(unit.hsa_id, caller)
                if s.booking_id
                and s.facility.id == unit.hsa_id
                and s.subject_of_care in (None, patient)
            ),
            key=lambda s: s.start,
        )

    def _find(self, caller: Caller, unit: Unit, appointment_id: str) -> Timeslot:
        """One of the patient's own appointments; another person's is as unknown as none."""
        for slot in self._own(caller, unit):
            if slot.booking_id == appointment_id:
                return slot
        raise AppointmentNotFound(f"no appointment {appointment_id} of yours at {unit.name}")

    def _rebookable(self, caller: Caller, unit: Unit, appointment_id: str) -> None:
        found = appointment(self._find(caller, unit, appointment_id), _web(unit), self.now())
        if not found.can_rebook:
            raise RebookNotAllowed("the unit has marked this appointment as not rebookable")

    def _requested(self, slot_id: str, unit: Unit, now: datetime) -> Requested:
        wanted = self.slot_ids.read(slot_id, unit.hsa_id)
        if wanted.start <= now:
            raise InvalidSlot("the slot has already begun")
        return wanted

    @staticmethod
    def _named(slot: Timeslot, unit: Unit) -> Timeslot:
        """The unit's registry name where the producer gives none."""
        if slot.facility.name:
            return slot
        return replace(slot, facility=Named(slot.facility.id, unit.name))


def _web(unit: Unit) -> WebBooking:
    if unit.web_booking is None:  # the API's guard let it through: a bug, not a user error
        raise RuntimeError(f"{unit.hsa_id} offers no web booking")
    return unit.web_booking
