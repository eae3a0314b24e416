"""Citizens' cases: POST /v1/units/{unit}/cases, the inbox GET /v1/cases and GET /v1/cases/{id}."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, url_for

from gateway.api.guards import authenticated_caller, citizen_service
from gateway.api.idempotent import idempotent
from gateway.api.requests import json_object
from gateway.domain.age import Caller
from gateway.domain.units import Unit
from gateway.errors import BadRequest
from gateway.runtime import runtime
from gateway.services.cases import Case

blueprint = Blueprint("cases", __name__)


@blueprint.post("/v1/units/<unit>/cases")
@citizen_service(None)
def send(caller: Caller, unit: Unit) -> Response:
    def answer() -> Response:
        body = json_object()
        if not isinstance(body.get("type"), str):
            raise BadRequest("type: the e-service's id, such as renew-prescription")
        case = runtime().casework.cases.send(caller, unit, body["type"], body.get("answers", {}))
        response = jsonify(render(case))
        response.status_code = 201
        response.headers["Location"] = url_for("cases.one", case_id=case.id)
        return response

    return idempotent(f"citizen:{caller.subject.number}", answer)


@blueprint.get("/v1/cases")
def inbox() -> Response:
    found = runtime().casework.cases.inbox(authenticated_caller())
    return jsonify(cases=[render(c) for c in found])


@blueprint.get("/v1/cases/<case_id>")
def one(case_id: str) -> Response:
    return jsonify(render(runtime().casework.cases.citizen_case(authenticated_caller(), case_id)))


def render(case: Case, staff: bool = False) -> dict[str, Any]:
    """The case as its sender sees it; staff also see who wrote each reply."""
    return {
        "id": case.id,
        "type": case.type,
        "unit": case.unit,
        "status": case.status,
        "createdAt": case.created_at.isoformat().replace("+00:00", "Z"),
        "answers": case.answers,
        "replies": [
            {
                "id": r.id,
                "text": r.text,
                "standardReply": r.standard_reply,
                "createdAt": r.created_at.isoformat().replace("+00:00", "Z"),
                **({"author": r.author} if staff else {}),
            }
            for r in case.replies
        ],
    }
