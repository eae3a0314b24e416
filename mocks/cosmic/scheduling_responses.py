"""crm:scheduling 1.1 as a producer answers it: one handler per operation.

Every request names its care unit twice, in the LogicalAddress header and in the body; they
must agree (HSA-ids compare case-insensitively), and the Actor header must be there. Business
outcomes (a slot taken, a booking that may not be cancelled) are resultCode ERROR with a
resultText, as the contract says; requests the producer cannot read are SOAP faults.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from typing import Any

from lxml import etree

from contracts.cosmic.scheduling import (
    CANCEL_BOOKING,
    CORE_NS,
    GET_BOOKING,
    GET_DATES,
    GET_SCHEDULE,
    GET_TIME_TYPES,
    GET_TIMESLOTS,
    HEADERS_XSD,
    MAKE_BOOKING,
    TIME_TYPES_EXT_NS,
    UPDATE_BOOKING,
    SchedulingInteraction,
)
from contracts.riv import INTEROPERABILITY_HEADERS_NS, riv_date, riv_timestamp
from mocks.cosmic.scheduling_models import (
    TS,
    Facility,
    Refused,
    SchedulingBackend,
    slot_key,
)
from mocks.kit.mock import ClientError
from mocks.kit.soap import Call, Schema, answer_frame

C = f"{{{CORE_NS}}}"
ACTOR = f"{{{INTEROPERABILITY_HEADERS_NS}}}Actor"
_headers = Schema(HEADERS_XSD)


# where each request names the patient (for `match.patient` of stubs and faults) ------------
def schedule_patient(payload: etree._Element) -> str | None:
    return payload.findtext(f"{{{GET_SCHEDULE.responder_ns}}}subject_of_care")


def booking_patient(payload: etree._Element) -> str | None:
    return payload.findtext(
        f"{{{etree.QName(payload).namespace}}}requestedTimeslot/{C}subject_of_care"
    )


def time_types_patient(payload: etree._Element) -> str | None:
    return payload.findtext(f"{{{TIME_TYPES_EXT_NS}}}subject_of_care")


def no_patient(payload: etree._Element) -> str | None:
    return None


# the handlers ---------------------------------------------------------------------------------
def get_subject_of_care_schedule(call: Call) -> bytes:
    request, backend, facility = _open(call, GET_SCHEDULE, "healthcare_facility")
    patient = _text(request, GET_SCHEDULE, "subject_of_care") or ""
    answer = _element(GET_SCHEDULE, "GetSubjectOfCareScheduleResponse")
    for booking, slot in backend.schedule(facility.hsaId, patient):
        _timeslot(answer, "timeslotDetail", GET_SCHEDULE, facility, slot, booking)
    return _done(call, answer)


def get_available_timeslots(call: Call) -> bytes:
    """The free slots' XML, each rendered and validated once per dataset version (a free slot's
    XML follows from its key and the dataset alone), inside a frame validated once."""
    request, backend, facility = _open(call, GET_TIMESLOTS, "healthcare_facility")
    slots = [
        backend.dataset.free_slot_xml(
            (facility.hsaId, slot["start"], slot["performer"], slot["timeTypeId"]),
            partial(_free_timeslot, call, facility, slot),
        )
        for slot in _free(request, GET_TIMESLOTS, backend, facility)
    ]
    start, end = _timeslots_frame(call.schema)
    return start + b"".join(slots) + end


def _free_timeslot(call: Call, facility: Facility, slot: dict[str, Any]) -> bytes:
    answer = _element(GET_TIMESLOTS, "GetAvailableTimeslotsResponse")
    _timeslot(answer, "timeslotDetail", GET_TIMESLOTS, facility, slot, None)
    return call.validated_children(answer)


@lru_cache(maxsize=8)
def _timeslots_frame(schema: Schema) -> tuple[bytes, bytes]:
    return answer_frame(schema, _element(GET_TIMESLOTS, "GetAvailableTimeslotsResponse"))


def get_available_dates(call: Call) -> bytes:
    request, backend, facility = _open(call, GET_DATES, "healthcare_facility")
    answer = _element(GET_DATES, "GetAvailableDatesResponse")
    seen: set[tuple[str, str, str]] = set()
    for slot in _free(request, GET_DATES, backend, facility):
        day = slot["start"][:8]
        if (day, slot["performer"], slot["timeTypeId"]) in seen:
            continue
        seen.add((day, slot["performer"], slot["timeTypeId"]))
        found = _sub(answer, GET_DATES, "performerAvailabilityByDate")
        kind = _time_type(facility, slot["timeTypeId"])
        for name, value in (
            ("healthcare_facility", facility.hsaId),
            ("performer", slot["performer"]),
            ("date", day),
            ("timeTypeName", kind.name),
            ("timeTypeID", kind.id),
        ):
            _sub(found, GET_DATES, name, value)
    return _done(call, answer)


def make_booking(call: Call) -> bytes:
    request, backend, facility = _open(call, MAKE_BOOKING, "healthcare_facility_med")
    wanted = _requested(request, MAKE_BOOKING)
    patient = wanted.findtext(f"{C}subject_of_care")
    answer = _element(MAKE_BOOKING, "MakeBookingResponse")
    refused = _business_error(call)
    if refused is None and not patient:
        refused = "requestedTimeslot/subject_of_care saknas"
    if refused is None:
        try:
            booking, _ = backend.book(
                facility.hsaId,
                _slot_key(wanted),
                patient or "",
                _text(request, MAKE_BOOKING, "notification"),
            )
        except Refused as exc:
            refused = str(exc)
        else:
            _sub(answer, MAKE_BOOKING, "bookingId", booking["bookingId"])
    return _done(call, _result(call, answer, MAKE_BOOKING, refused))


def update_booking(call: Call) -> bytes:
    wanted = _requested(call.request.payload, UPDATE_BOOKING)
    facility_id = wanted.findtext(f"{C}healthcare_facility") or ""
    backend = _backend(call)
    facility = _facility(call, backend, facility_id)
    answer = _element(UPDATE_BOOKING, "UpdateBookingResponse")
    refused = _business_error(call)
    booking_id = wanted.findtext(f"{C}bookingId")
    if refused is None and not booking_id:
        refused = "requestedTimeslot/bookingId saknas"
    if refused is None:
        try:
            backend.move(
                booking_id or "",
                facility.hsaId,
                _slot_key(wanted),
                _text(call.request.payload, UPDATE_BOOKING, "notification"),
            )
        except Refused as exc:
            refused = str(exc)
    return _done(call, _result(call, answer, UPDATE_BOOKING, refused))


def cancel_booking(call: Call) -> bytes:
    request, backend, facility = _open(call, CANCEL_BOOKING, "healthcare_facility")
    answer = _element(CANCEL_BOOKING, "CancelBookingResponse")
    refused = _business_error(call)
    if refused is None:
        try:
            backend.cancel(_text(request, CANCEL_BOOKING, "bookingId") or "", facility.hsaId)
        except Refused as exc:
            refused = str(exc)
    return _done(call, _result(call, answer, CANCEL_BOOKING, refused))


def get_booking_details(call: Call) -> bytes:
    request, backend, facility = _open(call, GET_BOOKING, "healthcare_facility")
    booking_id = _text(request, GET_BOOKING, "bookingId") or ""
    found = backend.booking(booking_id)
    if found is None or found[0]["facility"] != facility.hsaId.upper():
        raise ClientError(f"no booking {booking_id} at {facility.hsaId}")
    answer = _element(GET_BOOKING, "GetBookingDetailsResponse")
    booking, slot = found
    _timeslot(answer, "timeslotDetail", GET_BOOKING, facility, slot, booking)
    return _done(call, answer)


def get_all_time_types(call: Call) -> bytes:
    _, _, facility = _open(call, GET_TIME_TYPES, "healthcare_facility")
    answer = _element(GET_TIME_TYPES, "GetAllTimeTypesResponse")
    for kind in facility.timeTypes:
        listed = _sub(answer, GET_TIME_TYPES, "ListOfTimeTypes")
        etree.SubElement(listed, f"{C}timeTypeName").text = kind.name
        etree.SubElement(listed, f"{C}timeTypeId").text = kind.id
    return _done(call, answer)


# the parts they share -------------------------------------------------------------------------
def _backend(call: Call) -> SchedulingBackend:
    _actor(call)
    backend: SchedulingBackend = call.backend
    return backend


def _open(
    call: Call, interaction: SchedulingInteraction, facility_element: str
) -> tuple[etree._Element, SchedulingBackend, Facility]:
    """The request, the backend and the care unit it is addressed to (checked)."""
    backend = _backend(call)
    request = call.request.payload
    facility = _facility(call, backend, _text(request, interaction, facility_element) or "")
    return request, backend, facility


def _actor(call: Call) -> None:
    header = call.request.header
    actor = None if header is None else header.find(ACTOR)
    if actor is None:
        raise ClientError("the Actor SOAP header (urn:riv:interoperability:headers:1) is missing")
    errors = _headers.errors(actor)
    if errors:
        raise ClientError("the Actor header violates the schema: " + "; ".join(errors))


def _facility(call: Call, backend: SchedulingBackend, requested: str) -> Facility:
    if requested.upper() != call.logical_address.upper():
        raise ClientError(
            f"the LogicalAddress {call.logical_address} is not the care unit {requested}"
        )
    facility = backend.dataset.facility(requested)
    if facility is None:
        raise ClientError(f"no care unit {requested} takes bookings here")
    return facility


def _text(element: etree._Element, interaction: SchedulingInteraction, name: str) -> str | None:
    value = element.findtext(f"{{{interaction.responder_ns}}}{name}")
    return value.strip() if value and value.strip() else None


def _requested(request: etree._Element, interaction: SchedulingInteraction) -> etree._Element:
    found = request.find(f"{{{interaction.responder_ns}}}requestedTimeslot")
    if found is None:  # the schema requires it; kept for readers of this module
        raise ClientError("requestedTimeslot is missing")
    return found


def _slot_key(wanted: etree._Element) -> str:
    """The slot a requestedTimeslot names: its start and performer (both required here)."""
    start = wanted.findtext(f"{C}startTimeInclusive") or ""
    performer = wanted.findtext(f"{C}performer") or ""
    try:
        moment = datetime.strptime(start, TS)
    except ValueError:
        return f"{start}|{performer.upper()}"  # no such slot: refused as "Tiden finns inte"
    return slot_key(moment, performer)


def _free(
    request: etree._Element,
    interaction: SchedulingInteraction,
    backend: SchedulingBackend,
    facility: Facility,
) -> list[dict[str, Any]]:
    """Free slots as GetAvailableDates/Timeslots ask for them; with a bookingId (rebooking),
    only slots of that booking's time type."""
    first = _day(_text(request, interaction, "startDateInclusive"))
    last = _day(_text(request, interaction, "endDateInclusive"))
    if last < first:
        raise ClientError("endDateInclusive is before startDateInclusive")
    if last - first > timedelta(days=92):
        raise ClientError("at most 92 days at a time")
    kind = _text(request, interaction, "timeTypeID")
    performers = {
        p.text.strip().upper()
        for p in request.iterfind(f"{{{interaction.responder_ns}}}performer")
        if p.text
    }
    booking_id = _text(request, interaction, "bookingId")
    if booking_id:
        found = backend.booking(booking_id)
        if found is None or found[0]["facility"] != facility.hsaId.upper():
            raise ClientError(f"no booking {booking_id} at {facility.hsaId}")
        kind = kind or found[1]["timeTypeId"]
    return [
        slot
        for slot in backend.slots(facility.hsaId, first, last)
        if slot["bookingId"] is None
        and (kind is None or slot["timeTypeId"] == kind)
        and (not performers or slot["performer"].upper() in performers)
    ]


def _day(text: str | None) -> date:
    return riv_date(text or "")


def _time_type(facility: Facility, type_id: str) -> Any:
    return next(t for t in facility.timeTypes if t.id == type_id)


def _timeslot(
    parent: etree._Element,
    tag: str,
    interaction: SchedulingInteraction,
    facility: Facility,
    slot: dict[str, Any],
    booking: dict[str, Any] | None,
) -> None:
    """A TimeslotType in the contract's element order; flags only for a booked slot."""
    kind = _time_type(facility, slot["timeTypeId"])
    start = riv_timestamp(slot["start"])
    performer = next(p for p in facility.performers if p.id.upper() == slot["performer"].upper())
    element = _sub(parent, interaction, tag)
    fields: list[tuple[str, str | None]] = [
        ("startTimeInclusive", slot["start"]),
        ("endTimeExclusive", f"{start + timedelta(minutes=kind.minutes):{TS}}"),
        ("healthcare_facility", facility.hsaId),
        ("performer", performer.id),
        ("bookingId", booking["bookingId"] if booking else None),
        ("subject_of_care", booking["patient"] if booking else None),
        ("healthcare_facility_name", facility.name),
        ("performerName", performer.name),
        ("timeTypeName", kind.name),
        ("timeTypeID", kind.id),
        ("careTypeName", facility.careType.name if facility.careType else None),
        ("careTypeID", facility.careType.id if facility.careType else None),
    ]
    if booking is not None:
        fields += [
            ("cancel_booking_allowed", _boolean(booking["cancelAllowed"])),
            ("rebooking_allowed", _boolean(booking["rebookAllowed"])),
            ("message_allowed", _boolean(booking["messageAllowed"])),
        ]
    for name, value in fields:
        if value is not None:
            etree.SubElement(element, C + name).text = value


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _business_error(call: Call) -> str | None:
    """An ERROR result the admin API asked for: answered without changing anything."""
    if call.result is not None and call.result.resultCode == "ERROR":
        return call.result.message or "ERROR"
    return None


def _result(
    call: Call,
    answer: etree._Element,
    interaction: SchedulingInteraction,
    refused: str | None,
) -> etree._Element:
    if refused is not None:
        _sub(answer, interaction, "resultCode", "ERROR")
        _sub(answer, interaction, "resultText", refused)
    elif call.result is not None:  # INFO: done, with a message for the citizen
        _sub(answer, interaction, "resultCode", "INFO")
        _sub(answer, interaction, "resultText", call.result.message)
    else:
        _sub(answer, interaction, "resultCode", "OK")
    return answer


def _element(interaction: SchedulingInteraction, tag: str) -> etree._Element:
    return etree.Element(
        f"{{{interaction.responder_ns}}}{tag}",
        nsmap={"ns": interaction.responder_ns, "core": CORE_NS},
    )


def _sub(
    parent: etree._Element, interaction: SchedulingInteraction, tag: str, text: str | None = None
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{interaction.responder_ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _done(call: Call, answer: etree._Element) -> bytes:
    return bytes(etree.tostring(call.validated(answer)))


HANDLERS: dict[str, tuple[Callable[[Call], bytes], Callable[[etree._Element], str | None]]] = {
    GET_SCHEDULE.operation: (get_subject_of_care_schedule, schedule_patient),
    GET_DATES.operation: (get_available_dates, no_patient),
    GET_TIMESLOTS.operation: (get_available_timeslots, no_patient),
    MAKE_BOOKING.operation: (make_booking, booking_patient),
    UPDATE_BOOKING.operation: (update_booking, booking_patient),
    CANCEL_BOOKING.operation: (cancel_booking, no_patient),
    GET_BOOKING.operation: (get_booking_details, no_patient),
    GET_TIME_TYPES.operation: (get_all_time_types, time_types_patient),
}
