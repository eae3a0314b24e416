"""Cosmic's web booking over crm:scheduling 1.1: request building and XML -> domain timeslots.

Every call is routed to the care unit (LogicalAddress = its HSA-id) and says who acts (the
Actor header: the citizen, or the guardian acting for them). Contract element names appear only
in this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from lxml import etree

from contracts.clock import STOCKHOLM
from contracts.cosmic.scheduling import (
    CANCEL_BOOKING,
    CORE_NS,
    GET_BOOKING,
    GET_SCHEDULE,
    GET_TIMESLOTS,
    MAKE_BOOKING,
    SCHEDULING,
    UPDATE_BOOKING,
    SchedulingInteraction,
)
from gateway.domain.age import Caller
from gateway.domain.booking import Named, Timeslot
from gateway.errors import UpstreamBusinessError, UpstreamInvalidResponse
from gateway.upstreams.riv_xml import boolean, timestamp
from gateway.upstreams.soap import Reply, SoapContract

log = logging.getLogger("etjanst.upstream")

CORE = f"{{{CORE_NS}}}"
CONTRACTS = {
    i.operation: SoapContract(i.wsdl, i.binding, i.schema, i.namespaces) for i in SCHEDULING
}
# The contract has no error codes: a slot that is gone is told in resultText ("tiden har blivit
# upptagen av annan patient"), so these words in an ERROR of MakeBooking or UpdateBooking mean it.
SLOT_GONE_WORDS = ("upptagen", "tiden finns inte")
REMEMBERED_TIMESLOTS = 4_096  # timeslots read (about 3 KB each); the least recently listed go first


class SlotGone(Exception):
    """The producer says the requested timeslot is taken or no longer there."""


@dataclass(frozen=True)
class Requested:
    """The timeslot a booking asks for, as the gateway issued it in a slot id."""

    facility: str
    start: datetime
    end: datetime
    performer: str | None
    time_type: str | None


@dataclass(frozen=True)
class Outcome:
    booking_id: str | None
    notice: str | None  # resultText of an INFO result


class CosmicScheduling:
    """The web-booking operations of CosmicClient (which is the RivSoapClient that sends them)."""

    call: Callable[..., Reply]  # RivSoapClient.call

    def _send(
        self, interaction: SchedulingInteraction, unit: str, caller: Caller, **arguments: Any
    ) -> etree._Element:
        actor = {
            "actorId": caller.subject.number,
            "actorType": "subject_of_care_agent" if caller.acting_for else "subject_of_care",
        }
        reply = self.call(
            interaction.operation,
            logical_address=unit,
            soap_headers={"Actor": actor},
            **arguments,
        )
        expected = f"{{{interaction.responder_ns}}}{interaction.operation}Response"
        if reply.payload.tag != expected:
            raise UpstreamInvalidResponse(
                "cosmic", f"unexpected answer element {reply.payload.tag}"
            )
        return reply.payload

    def schedule(self, unit: str, caller: Caller) -> list[Timeslot]:
        """The patient's booked appointments at the unit."""
        payload = self._send(
            GET_SCHEDULE,
            unit,
            caller,
            healthcare_facility=unit,
            subject_of_care=caller.patient.number,
        )
        return _timeslots(payload, GET_SCHEDULE)

    def available(
        self,
        unit: str,
        caller: Caller,
        first: date,
        last: date,
        time_type: str | None,
        booking_id: str | None,
    ) -> list[Timeslot]:
        payload = self._send(
            GET_TIMESLOTS,
            unit,
            caller,
            healthcare_facility=unit,
            bookingId=booking_id,
            startDateInclusive=f"{first:%Y%m%d}",
            endDateInclusive=f"{last:%Y%m%d}",
            timeTypeID=time_type,
        )
        return _timeslots(payload, GET_TIMESLOTS)

    def booking(self, unit: str, caller: Caller, booking_id: str) -> Timeslot:
        payload = self._send(
            GET_BOOKING, unit, caller, healthcare_facility=unit, bookingId=booking_id
        )
        found = _timeslots(payload, GET_BOOKING)
        if not found:
            raise UpstreamInvalidResponse("cosmic", "GetBookingDetails without a usable timeslot")
        return found[0]

    def book(self, caller: Caller, slot: Requested, message: str | None) -> Outcome:
        """Raises SlotGone when the producer says the slot is taken."""
        payload = self._send(
            MAKE_BOOKING,
            slot.facility,
            caller,
            healthcare_facility_med=slot.facility,
            requestedTimeslot=_requested(slot, caller, None),
            # The contract wants the patient's names; the gateway has only the identity number.
            subject_of_care_info={"firstName": "", "lastName": ""},
            notification=message,
        )
        outcome = _outcome(payload, MAKE_BOOKING, moves_a_slot=True)
        if outcome.booking_id is None:
            raise UpstreamInvalidResponse("cosmic", "MakeBooking succeeded without a bookingId")
        return outcome

    def move(self, caller: Caller, booking_id: str, slot: Requested) -> Outcome:
        payload = self._send(
            UPDATE_BOOKING,
            slot.facility,
            caller,
            requestedTimeslot=_requested(slot, caller, booking_id),
        )
        return Outcome(booking_id, _outcome(payload, UPDATE_BOOKING, moves_a_slot=True).notice)

    def cancel(self, unit: str, caller: Caller, booking_id: str) -> Outcome:
        payload = self._send(
            CANCEL_BOOKING, unit, caller, healthcare_facility=unit, bookingId=booking_id
        )
        return Outcome(booking_id, _outcome(payload, CANCEL_BOOKING, moves_a_slot=False).notice)


def _requested(slot: Requested, caller: Caller, booking_id: str | None) -> dict[str, Any]:
    return {
        "startTimeInclusive": _ts(slot.start),
        "endTimeExclusive": _ts(slot.end),
        "healthcare_facility": slot.facility,
        "performer": slot.performer,
        "bookingId": booking_id,
        "subject_of_care": caller.patient.number,
        "timeTypeID": slot.time_type,
    }


def _ts(moment: datetime) -> str:
    return f"{moment.astimezone(STOCKHOLM):%Y%m%d%H%M%S}"


def _outcome(
    payload: etree._Element, interaction: SchedulingInteraction, moves_a_slot: bool
) -> Outcome:
    ns = f"{{{interaction.responder_ns}}}"
    code = (payload.findtext(f"{ns}resultCode") or "").strip()
    text = (payload.findtext(f"{ns}resultText") or "").strip() or None
    if code not in {"OK", "INFO", "ERROR"}:
        raise UpstreamInvalidResponse("cosmic", "the answer has no valid resultCode")
    if code == "ERROR":
        if moves_a_slot and text and any(w in text.casefold() for w in SLOT_GONE_WORDS):
            raise SlotGone(text)
        raise UpstreamBusinessError("cosmic", f"{interaction.operation}: {text or 'ERROR'}")
    booking_id = (payload.findtext(f"{ns}bookingId") or "").strip() or None
    return Outcome(booking_id, text if code == "INFO" else None)


def _timeslots(payload: etree._Element, interaction: SchedulingInteraction) -> list[Timeslot]:
    found, skipped = [], 0
    for element in payload.iterfind(f"{{{interaction.responder_ns}}}timeslotDetail"):
        children = tuple([(c.tag, c.text) for c in element.iterchildren(etree.Element)])
        slot = _remembered_timeslot(children)
        if slot is None:
            skipped += 1
        else:
            found.append(slot)
    if skipped:
        log.warning(
            "upstream cosmic %s drift: %d timeslot(s) without a usable time or unit skipped",
            interaction.operation,
            skipped,
        )
    return found


Children = tuple[tuple[str, str | None], ...]  # each child element's tag and text, in order


@lru_cache(maxsize=REMEMBERED_TIMESLOTS)
def _remembered_timeslot(children: Children) -> Timeslot | None:
    """The same free slots are listed to citizen after citizen, and a Timeslot is immutable:
    one read from the same children is shared (reading the times and names costs more than
    gathering the children's texts; a week's list has thousands)."""
    return _timeslot(_fields(children))


def _fields(children: Children) -> dict[str, str]:
    """The stripped text of each child by local name, empty ones left out (none of them
    repeats in the contract)."""
    fields = {}
    for tag, text in children:
        if text and (text := text.strip()):
            fields[tag.removeprefix(CORE)] = text
    return fields


def _timeslot(fields: dict[str, str]) -> Timeslot | None:
    start = local_time(fields.get("startTimeInclusive"))
    end = local_time(fields.get("endTimeExclusive"))
    facility = fields.get("healthcare_facility")
    if start is None or end is None or facility is None:
        return None
    return Timeslot(
        start=start,
        end=end,
        facility=Named(facility.upper(), fields.get("healthcare_facility_name")),
        performer=_named(fields, "performer", "performerName"),
        time_type=_named(fields, "timeTypeID", "timeTypeName"),
        care_type=_named(fields, "careTypeID", "careTypeName"),
        booking_id=fields.get("bookingId"),
        subject_of_care=fields.get("subject_of_care"),
        cancel_allowed=boolean(fields.get("cancel_booking_allowed")),
        rebook_allowed=boolean(fields.get("rebooking_allowed")),
    )


def _named(fields: dict[str, str], id_tag: str, name_tag: str) -> Named | None:
    found = fields.get(id_tag)
    return Named(found, fields.get(name_tag)) if found else None


def local_time(text: str | None) -> datetime | None:
    """yyyyMMddHHmmss in Swedish local time -> an aware moment."""
    moment = timestamp(text)
    return moment.replace(tzinfo=STOCKHOLM) if moment else None
