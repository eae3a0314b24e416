"""GET /v1/units/{unit}/ordinations: the renew-prescription list."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.api.guards import citizen_service
from gateway.domain.age import Caller
from gateway.domain.units import EService, Unit
from gateway.runtime import runtime
from gateway.services.renew_prescription import OrdinationList

blueprint = Blueprint("ordinations", __name__)


@blueprint.get("/v1/units/<unit>/ordinations")
@citizen_service(EService.RENEW_PRESCRIPTION)
def ordinations(caller: Caller, unit: Unit) -> Response:
    return jsonify(render(runtime().renew_prescription.ordinations(caller, unit)))


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
