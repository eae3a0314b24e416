"""GET /v1/prescriptions: the citizen's prescriptions with something left to collect."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.api.guards import authenticated_caller
from gateway.domain.prescriptions import LeftToCollect
from gateway.runtime import runtime

blueprint = Blueprint("prescriptions", __name__)


@blueprint.get("/v1/prescriptions")
def prescriptions() -> Response:
    patient = authenticated_caller().patient
    found = runtime().prescriptions.left_to_collect(patient)
    return jsonify(
        prescriptions=[_render(item) for item in found.prescriptions], notice=found.notice
    )


def _render(item: LeftToCollect) -> dict[str, object]:
    p, left = item.prescription, item.quantity_left
    return {
        "id": p.id,
        "name": p.name,
        "nplId": p.npl_id,
        "dosage": p.dosage,
        "purpose": p.purpose,
        "prescriber": p.prescriber,
        "prescribedOn": p.prescribed_on.isoformat() if p.prescribed_on else None,
        "validUntil": p.valid_until.isoformat() if p.valid_until else None,
        "dispensesLeft": item.dispenses_left,
        "quantityLeft": None if left is None else {"value": left.value, "unit": left.unit},
    }
