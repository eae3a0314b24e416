"""GET /v1/units and /v1/units/{unit}: the unit registry. Which units exist and what they offer
is public information, so no token is needed."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from gateway.domain.units import MalformedUnitId, Unit, normalise_unit_id
from gateway.errors import InvalidUnit, UnitNotFound

blueprint = Blueprint("units", __name__)


def unit_id(text: str) -> str:
    """The canonical HSA-id from a URL segment, or a 400 INVALID_UNIT problem."""
    try:
        return normalise_unit_id(text)
    except MalformedUnitId as exc:
        raise InvalidUnit(str(exc)) from exc


@blueprint.get("/v1/units")
def units() -> Response:
    settings = current_app.extensions["etjanst"].settings
    groups = settings.unit_groups()
    return jsonify(units=[render(u, groups) for u in settings.unit_registry().values()])


@blueprint.get("/v1/units/<unit>")
def unit(unit: str) -> Response:
    hsa_id = unit_id(unit)
    settings = current_app.extensions["etjanst"].settings
    found = settings.unit_registry().get(hsa_id)
    if found is None:
        raise UnitNotFound(f"no unit {hsa_id} in the registry")
    return jsonify(render(found, settings.unit_groups()))


def render(unit: Unit, groups: dict[str, frozenset[str]]) -> dict[str, object]:
    """`linked` is every unit whose ordinations show together with this one: links are
    symmetric and transitive, so it is the unit's whole group, not just what its settings list."""
    return {
        "hsaId": unit.hsa_id,
        "name": unit.name,
        "services": sorted(unit.services),
        "linked": sorted(groups.get(unit.hsa_id, frozenset()) - {unit.hsa_id}),
    }
