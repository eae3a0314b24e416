"""The e-service catalogue: what a unit offers (public), and the administrators' API. The
central administrator edits central types and their state at each unit; a unit's local
administrator keeps its local types and standard replies."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, Response, jsonify, request
from pydantic import Field, field_validator

from gateway.api.guards import authenticated_caller, registered_unit
from gateway.api.requests import document
from gateway.api.staff_guard import staff_member, staff_unit
from gateway.domain.catalogue import CaseType, Document, OfferingState
from gateway.domain.staff import Role, StaffMember
from gateway.domain.units import Unit
from gateway.runtime import runtime
from gateway.services.catalogue import StandardReply

blueprint = Blueprint("catalogue", __name__)
UNIT_ADMIN = "/v1/admin/units/<unit>"


class StateChange(Document):
    state: OfferingState


class CertificateList(Document):
    certificates: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(max_length=50)

    @field_validator("certificates")
    @classmethod
    def _unique(cls, names: list[str]) -> list[str]:
        stripped = [name.strip() for name in names]
        if not all(stripped) or len(set(stripped)) != len(stripped):
            raise ValueError("each certificate once, by a name that is not blank")
        return stripped


class StandardReplyDocument(Document):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=8000)


@blueprint.get("/v1/units/<unit>/e-services")
def e_services(unit: str) -> Response:
    """Public, like the unit registry: which e-services a unit offers is no secret. With a
    citizen's token each entry also says which of its restrictions keep the patient (the
    citizen, or the child they act for) from it: `restrictedBy`, empty when they may use it."""
    caller = authenticated_caller() if "Authorization" in request.headers else None
    found_unit = registered_unit(unit)
    found = runtime().casework.catalogue.offered(found_unit)
    if caller is None:
        return jsonify(eServices=[render(t) for t in found])
    eligibility = runtime().casework.eligibility
    patient = eligibility.patient(caller)
    return jsonify(
        eServices=[
            {
                **render(t),
                "restrictedBy": [r.value for r in eligibility.refusals(patient, found_unit, t)],
            }
            for t in found
        ]
    )


@blueprint.get("/v1/admin/e-services/<type_id>")
def central_type(type_id: str) -> Response:
    staff_member(Role.CENTRAL_ADMIN)
    return jsonify(render(runtime().casework.catalogue.central(type_id), admin=True))


@blueprint.put("/v1/admin/e-services/<type_id>")
def replace_central_type(type_id: str) -> Response:
    staff_member(Role.CENTRAL_ADMIN)
    case_type = document(CaseType, id=type_id, kind="central")
    runtime().casework.catalogue.replace_central(case_type)
    return jsonify(render(case_type, admin=True))


@blueprint.get(f"{UNIT_ADMIN}/e-services")
@staff_unit(Role.CENTRAL_ADMIN, Role.LOCAL_ADMIN)
def unit_catalogue(member: StaffMember, unit: Unit) -> Response:
    catalogue = runtime().casework.catalogue
    return jsonify(
        central=[{"id": i, "state": s.value} for i, s in catalogue.states(unit).items()],
        local=[render(t, admin=True) for t in catalogue.local_types(unit)],
    )


@blueprint.put(f"{UNIT_ADMIN}/e-services/<type_id>/state")
@staff_unit(Role.CENTRAL_ADMIN)
def set_state(member: StaffMember, unit: Unit, type_id: str) -> Response:
    change = document(StateChange)
    runtime().casework.catalogue.set_state(unit, type_id, change.state)
    return jsonify(id=type_id, state=change.state.value)


@blueprint.put(f"{UNIT_ADMIN}/local-types/<type_id>")
@staff_unit(Role.LOCAL_ADMIN)
def put_local_type(member: StaffMember, unit: Unit, type_id: str) -> Response:
    case_type = document(CaseType, id=type_id, kind="local")
    created = runtime().casework.catalogue.put_local(unit, case_type)
    return _put_answer(render(case_type, admin=True), created)


@blueprint.delete(f"{UNIT_ADMIN}/local-types/<type_id>")
@staff_unit(Role.LOCAL_ADMIN)
def delete_local_type(member: StaffMember, unit: Unit, type_id: str) -> Response:
    runtime().casework.catalogue.delete_local(unit, type_id)
    return Response(status=204)


@blueprint.get(f"{UNIT_ADMIN}/certificates")
@staff_unit(Role.CENTRAL_ADMIN, Role.LOCAL_ADMIN)
def certificates(member: StaffMember, unit: Unit) -> Response:
    return jsonify(certificates=runtime().casework.catalogue.certificates(unit))


@blueprint.put(f"{UNIT_ADMIN}/certificates")
@staff_unit(Role.LOCAL_ADMIN)
def put_certificates(member: StaffMember, unit: Unit) -> Response:
    """The unit's whole list: request-certificate's choices there, in this order."""
    given = document(CertificateList)
    runtime().casework.catalogue.put_certificates(unit, given.certificates)
    return jsonify(certificates=given.certificates)


@blueprint.put(f"{UNIT_ADMIN}/standard-replies/<reply_id>")
@staff_unit(Role.LOCAL_ADMIN)
def put_standard_reply(member: StaffMember, unit: Unit, reply_id: str) -> Response:
    given = document(StandardReplyDocument, id=reply_id)
    created = runtime().casework.catalogue.put_standard_reply(
        unit, StandardReply(given.id, given.title, given.text)
    )
    return _put_answer(given.model_dump(), created)


@blueprint.delete(f"{UNIT_ADMIN}/standard-replies/<reply_id>")
@staff_unit(Role.LOCAL_ADMIN)
def delete_standard_reply(member: StaffMember, unit: Unit, reply_id: str) -> Response:
    runtime().casework.catalogue.delete_standard_reply(unit, reply_id)
    return Response(status=204)


def _put_answer(document: dict[str, Any], created: bool) -> Response:
    """A PUT's answer: the document as stored, 201 when it made it, 200 when it replaced it."""
    response = jsonify(document)
    response.status_code = 201 if created else 200
    return response


def render(case_type: CaseType, admin: bool = False) -> dict[str, Any]:
    """A citizen sees the questions as {id, label, type, required, help} (and options for a
    choice); administrators see the whole document they can PUT back."""
    if admin:
        return case_type.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {
        "id": case_type.id,
        "name": case_type.name,
        "kind": case_type.kind,
        "description": case_type.description,
        "termsText": case_type.terms_text,
        "questions": [
            {
                "id": q.id,
                "label": q.label,
                "type": q.type.value,
                "required": q.required,
                "help": q.help,
                **({"options": list(q.options)} if q.options else {}),
                **({"requiredWhen": q.required_when} if q.required_when else {}),
            }
            for q in case_type.questions
        ],
        "restrictions": case_type.restrictions.model_dump(mode="json", by_alias=True),
    }
