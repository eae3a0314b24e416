"""GET /v1/units/{unit}/ordinations: the renew-prescription list."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from gateway.api.units import unit_id
from gateway.services.renew_prescription import OrdinationList, RenewPrescription

blueprint = Blueprint("ordinations", __name__)


@blueprint.get("/v1/units/<unit>/ordinations")
def ordinations(unit: str) -> Response:
    caller = current_app.extensions["etjanst"].tokens.caller(request.headers.get("Authorization"))
    service: RenewPrescription = current_app.extensions["etjanst"].renew_prescription
    return jsonify(render(service.ordinations(caller, unit_id(unit))))


def render(result: OrdinationList) -> dict[str, object]:
    return {
        "unit": {"hsaId": result.unit.hsa_id, "name": result.unit.name},
        "listAvailable": result.list_available,
        "reason": result.reason.value if result.reason else None,
        "manualEntryAllowed": True,
        "windowStart": result.window_start.isoformat(),
        "ordinations": [
            {
                "id": o.id,
                "name": o.name,
                "strength": o.strength,
                "form": o.form,
                "atcCode": o.atc_code,
                "nplId": o.npl_id,
                "prescribedOn": o.prescribed_on.isoformat(),
                "unitHsaId": o.unit_hsa_id,
            }
            for o in result.ordinations
        ],
        "notice": result.notice,
    }
