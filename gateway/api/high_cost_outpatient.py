"""GET /v1/high-cost/outpatient (the figures) and /v1/high-cost/outpatient/free-card.pdf."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.api.guards import authenticated_caller
from gateway.runtime import runtime
from gateway.services.high_cost_outpatient import OutpatientStatus

blueprint = Blueprint("high_cost_outpatient", __name__)


@blueprint.get("/v1/high-cost/outpatient")
def outpatient() -> Response:
    caller = authenticated_caller()
    return jsonify(render(runtime().high_cost_outpatient.status(caller.patient)))


@blueprint.get("/v1/high-cost/outpatient/free-card.pdf")
def free_card() -> Response:
    caller = authenticated_caller()
    patient = caller.patient
    # the register's name of the card's holder; else the token's, which is the signed-in
    # citizen's, so only on their own card
    name = runtime().guardianship.name(patient) or (
        caller.name if patient == caller.subject else None
    )
    pdf = runtime().high_cost_outpatient.free_card(patient, name)
    return Response(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="frikort.pdf"'},
    )


def _kronor(amount: float) -> float | int:
    return int(amount) if float(amount).is_integer() else amount


def render(status: OutpatientStatus) -> dict[str, object]:
    card = status.card
    period = None
    free = None
    if card is not None and card.start is not None and card.end is not None:
        period = {"start": card.start.isoformat(), "end": card.end.isoformat()}
        if card.free_card:
            free = {
                "number": card.number,
                "from": (card.limit_reached or card.start).isoformat(),
                "to": card.end.isoformat(),
            }
    return {
        "exempt": status.exempt,
        "ceiling": _kronor(card.ceiling) if card else None,
        "paid": _kronor(card.paid) if card else (None if status.exempt else 0),
        "left": _kronor(card.left) if card else None,
        "period": period,
        "freeCard": free,
        "notice": status.notice,
    }
