"""GET /v1/units and /v1/units/{unit}: the unit registry. Which units exist and what they offer
is public information, so no token is needed."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.api.guards import registered_unit
from gateway.domain.units import Unit
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
    symmetric and transitive, so it is the unit's whole group, not just what its settings list."""
    return {
        "hsaId": unit.hsa_id,
        "name": unit.name,
        "services": sorted(unit.services),
        "linked": sorted(groups.get(unit.hsa_id, frozenset()) - {unit.hsa_id}),
    }
