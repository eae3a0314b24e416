"""Staff: the cases of the units they work for, replies (free text or one of the unit's standard
replies) and closing. Other units' cases are not theirs to see.

Who a case is about: the one case's view shows the patient's full identity number (and name,
when the population register gives one), and that access is logged (PDL); everywhere else staff
see the number masked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from contracts.privacy import mask
from gateway.api.cases import render
from gateway.api.requests import json_object
from gateway.api.staff_guard import staff_unit
from gateway.domain.identity import InvalidIdentityNumber, parse_identity
from gateway.domain.staff import Role, StaffMember
from gateway.domain.units import Unit
from gateway.errors import BadRequest
from gateway.runtime import runtime
from gateway.services.cases import STATUSES, Case

blueprint = Blueprint("staff", __name__)
CASES = "/v1/staff/units/<unit>/cases"


@blueprint.get(CASES)
@staff_unit(Role.STAFF)
def cases(member: StaffMember, unit: Unit) -> Response:
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        raise BadRequest(f"status is one of {', '.join(STATUSES)}")
    found = runtime().casework.cases.unit_cases(unit, status)
    return jsonify(cases=[masked(c) for c in found])


@blueprint.get(f"{CASES}/<case_id>")
@staff_unit(Role.STAFF)
def case(member: StaffMember, unit: Unit, case_id: str) -> Response:
    casework = runtime().casework
    found = casework.cases.unit_case(unit, case_id)
    casework.patient_access.record(member.hsa_id, unit.hsa_id, found.id, found.patient)
    return jsonify({**render(found, staff=True), "patient": _patient(found.patient)})


def masked(found: Case) -> dict[str, Any]:
    """The case as staff see it outside the one case's view: the number masked."""
    return {**render(found, staff=True), "patient": {"maskedIdentityNumber": mask(found.patient)}}


def _patient(number: str) -> dict[str, Any]:
    try:
        name = runtime().guardianship.name(parse_identity(number))
    except InvalidIdentityNumber:  # stored from a validated token: never, but never a 500
        name = None
    return {"personalIdentityNumber": number, "name": name}


@blueprint.post(f"{CASES}/<case_id>/replies")
@staff_unit(Role.STAFF)
def reply(member: StaffMember, unit: Unit, case_id: str) -> Response:
    body = json_object()
    text, standard_id = body.get("text"), body.get("standardReply")
    if (text is None) == (standard_id is None) or set(body) - {"text", "standardReply"}:
        raise BadRequest("send either text (free text) or standardReply (a standard reply's id)")
    casework = runtime().casework
    standard = None
    if standard_id is not None:
        if not isinstance(standard_id, str):
            raise BadRequest("standardReply is a standard reply's id")
        standard = casework.catalogue.standard_reply(unit, standard_id)
        text = standard.text
    if not isinstance(text, str) or not text.strip() or len(text) > 8000:
        raise BadRequest("text is 1 to 8000 characters")
    answered = casework.cases.reply(unit, case_id, member.hsa_id, text, standard)
    response = jsonify(masked(answered))
    response.status_code = 201
    return response


@blueprint.post(f"{CASES}/<case_id>/close")
@staff_unit(Role.STAFF)
def close(member: StaffMember, unit: Unit, case_id: str) -> Response:
    return jsonify(masked(runtime().casework.cases.close(unit, case_id)))


@blueprint.get("/v1/staff/units/<unit>/standard-replies")
@staff_unit(Role.STAFF, Role.LOCAL_ADMIN)
def standard_replies(member: StaffMember, unit: Unit) -> Response:
    found = runtime().casework.catalogue.standard_replies(unit)
    return jsonify(standardReplies=[{"id": r.id, "title": r.title, "text": r.text} for r in found])
