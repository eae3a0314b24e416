"""Web booking: /v1/units/{unit}/appointments and /v1/units/{unit}/slots.

Each view names the capability it needs; the guard checks it right after the token and the unit
(before anything else about the request), answering 404 SERVICE_NOT_OFFERED with the case type
that applies instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from gateway.api.guards import citizen_service
from gateway.api.idempotent import idempotent
from gateway.domain.age import Caller
from gateway.domain.booking import Appointment, Named
from gateway.domain.units import EService, Unit
from gateway.domain.web_booking import ALTERNATIVE, Capability, offers
from gateway.errors import BadRequest, ServiceNotOffered
from gateway.runtime import runtime
from gateway.services.web_booking import Booked

blueprint = Blueprint("web_booking", __name__)

MAX_MESSAGE = 1000
PRODUCER_ID = re.compile(r"[!-~]{1,64}")


def offering(capability: Capability) -> Callable[[Unit], None]:
    def check(unit: Unit) -> None:
        if not offers(unit.web_booking, capability):
            raise ServiceNotOffered(
                f"{unit.name} does not offer web booking to {capability.value} appointments",
                alternative=ALTERNATIVE[capability].value,
            )

    return check


def web_booking(capability: Capability) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return citizen_service(EService.WEB_BOOKING, offering(capability))


@blueprint.get("/v1/units/<unit>/appointments")
@web_booking(Capability.VIEW)
def appointments(caller: Caller, unit: Unit) -> Response:
    found = runtime().web_booking.appointments(caller, unit)
    return jsonify(
        unit={"hsaId": unit.hsa_id, "name": unit.name},
        appointments=[render(a) for a in found.appointments],
        notice=found.notice,
    )


@blueprint.get("/v1/units/<unit>/appointments/<appointment_id>")
@web_booking(Capability.VIEW)
def appointment(caller: Caller, unit: Unit, appointment_id: str) -> Response:
    return jsonify(render(runtime().web_booking.appointment(caller, unit, appointment_id)))


@blueprint.get("/v1/units/<unit>/slots")
def slots(unit: str) -> Response:
    # rebooking needs `rebook`, booking needs `book`
    needed = Capability.REBOOK if "rebook" in request.args else Capability.BOOK
    return web_booking(needed)(_slots)(unit=unit)


def _slots(caller: Caller, unit: Unit) -> Response:
    first, last = _date("from"), _date("to")
    time_type = _optional_text("timeType")
    rebook = _optional_text("rebook")
    found = runtime().web_booking.slots(caller, unit, first, last, time_type, rebook)
    return jsonify(
        slots=[
            {
                "id": slot_id,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "timeType": _named(s.time_type),
                "performer": _named(s.performer),
            }
            for slot_id, s in found
        ]
    )


@blueprint.post("/v1/units/<unit>/appointments")
@web_booking(Capability.BOOK)
def book(caller: Caller, unit: Unit) -> Response:
    body = _body()
    slot_id, message = _slot_id(body), _message(body)

    def answer() -> Response:
        booked = runtime().web_booking.book(caller, unit, slot_id, message)
        response = jsonify(_booked(booked))
        response.status_code = 201
        response.headers["Location"] = url_for(
            "web_booking.appointment",
            unit=unit.hsa_id,
            appointment_id=booked.appointment.slot.booking_id,
        )
        return response

    return idempotent(
        f"book\0{caller.subject.number}\0{caller.patient.number}\0{unit.hsa_id}", answer
    )


@blueprint.put("/v1/units/<unit>/appointments/<appointment_id>")
@web_booking(Capability.REBOOK)
def rebook(caller: Caller, unit: Unit, appointment_id: str) -> Response:
    slot_id = _slot_id(_body())
    return jsonify(_booked(runtime().web_booking.rebook(caller, unit, appointment_id, slot_id)))


@blueprint.delete("/v1/units/<unit>/appointments/<appointment_id>")
@web_booking(Capability.CANCEL)
def cancel(caller: Caller, unit: Unit, appointment_id: str) -> Response:
    done = runtime().web_booking.cancel(caller, unit, appointment_id)
    return jsonify(
        id=done.id, cancelled=True, lateCancellation=done.late_cancellation, notice=done.notice
    )


def render(found: Appointment) -> dict[str, object]:
    slot = found.slot
    return {
        "id": slot.booking_id,
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "timeType": _named(slot.time_type) or {"id": None, "name": None},
        "careType": _named(slot.care_type),
        "performer": _named(slot.performer),
        "facility": {"hsaId": slot.facility.id, "name": slot.facility.name},
        "canCancel": found.can_cancel,
        "canRebook": found.can_rebook,
        "lateCancellation": found.late_cancellation,
    }


def _booked(booked: Booked) -> dict[str, object]:
    return {**render(booked.appointment), "notice": booked.notice}


def _named(named: Named | None) -> dict[str, str | None] | None:
    return {"id": named.id, "name": named.name} if named else None


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object")
    return body


def _slot_id(body: dict[str, Any]) -> str:
    slot_id = body.get("slotId")
    if not isinstance(slot_id, str) or not slot_id:
        raise BadRequest("slotId is required: an id from GET /v1/units/{unit}/slots")
    return slot_id


def _message(body: dict[str, Any]) -> str | None:
    message = body.get("message")
    if message is not None and (
        not isinstance(message, str)
        or len(message) > MAX_MESSAGE
        or any(c not in "\t\n\r" and not c.isprintable() for c in message)
    ):
        raise BadRequest(
            f"message is text of at most {MAX_MESSAGE} characters, without control characters"
        )
    return message


def _date(name: str) -> date:
    text = request.args.get(name)
    try:
        return date.fromisoformat(text or "")
    except ValueError as exc:
        raise BadRequest(f"'{name}' is required, as YYYY-MM-DD") from exc


def _optional_text(name: str) -> str | None:
    """An id for the producer (a time type, a booking): printable ASCII, as the schema says."""
    text = request.args.get(name)
    if text is not None and not PRODUCER_ID.fullmatch(text):
        raise BadRequest(f"'{name}' is 1 to 64 printable ASCII characters")
    return text
