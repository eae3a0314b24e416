"""GET /v1/units and /v1/units/{unit}: the unit registry. Which units exist and what they offer
is public information, so no token is needed."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.api.guards import registered_unit
from gateway.domain.units import Unit
from gateway.domain.web_booking import alternatives
from gateway.runtime import runtime

blueprint = Blueprint("units", __name__)


@blueprint.get("/v1/units")
def units() -> Response:
    found = runtime()
    return jsonify(units=[render(u, found.groups) for u in found.units.values()])


@blueprint.get("/v1/units/<unit>")
def unit(unit: str) -> Response:
    return jsonify(render(registered_unit(unit), runtime().groups))


def render(unit: Unit, groups: dict[str, frozenset[str]]) -> dict[str, object]:
    """`linked` is every unit whose ordinations show together with this one: links are
    symmetric and transitive, so it is the unit's whole group, not just what its settings list.
    `alternatives`: the central case types that apply where web booking is missing."""
    return {
        "hsaId": unit.hsa_id,
        "name": unit.name,
        "services": sorted(unit.services),
        "linked": sorted(groups.get(unit.hsa_id, frozenset()) - {unit.hsa_id}),
        "webBooking": _web_booking(unit),
        "alternatives": [case.value for case in alternatives(unit.web_booking)],
    }


def _web_booking(unit: Unit) -> dict[str, object] | None:
    web = unit.web_booking
    if web is None:
        return None
    return {
        "view": web.view,
        "cancel": web.cancel,
        "rebook": web.rebook,
        "book": web.book,
        "lateCancellationHours": web.late_cancellation_hours,
    }
