"""What every citizen endpoint checks before its own work, in this order: the bearer token
(401), the unit id (400), the unit in the registry (404), the e-service offered there (404) and,
for a guardian acting as proxy (`act_for`), that they may act for the child (403; the population
register's failure: 502/503/504). A view decorated with `citizen_service(...)` receives the
caller and the unit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from gateway.domain.age import Caller
from gateway.domain.units import EService, MalformedUnitId, Unit, normalise_unit_id
from gateway.errors import InvalidUnit, ServiceNotOffered, UnitNotFound
from gateway.runtime import runtime

View = Callable[..., Any]


def _token_caller() -> Caller:
    return runtime().tokens.caller(request.headers.get("Authorization"))


def authenticated_caller() -> Caller:
    """For endpoints without a unit: the token (401), then, for a guardian acting as proxy,
    that they may act for the child (403). Whose data it is: `caller.patient`."""
    caller = _token_caller()
    runtime().guardianship.check(caller)
    return caller


def registered_unit(unit: str) -> Unit:
    try:
        hsa_id = normalise_unit_id(unit)
    except MalformedUnitId as exc:
        raise InvalidUnit(str(exc)) from exc
    found = runtime().units.get(hsa_id)
    if found is None:
        raise UnitNotFound(f"no unit {hsa_id} in the registry")
    return found


def citizen_service(
    service: EService | None, offered: Callable[[Unit], None] | None = None
) -> Callable[[View], View]:
    """For `/v1/units/<unit>/...` views: `view(caller, unit, **rest)`. `offered`, when given,
    decides instead of the unit's service list whether the unit offers what the view does (it
    raises ServiceNotOffered), for services offered in parts, such as web booking; with
    `service` None the view checks what the unit offers itself (the e-service catalogue)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(unit: str, **rest: Any) -> Any:
            caller = _token_caller()
            found = registered_unit(unit)
            if offered is not None:
                offered(found)
            elif service is not None and service not in found.services:
                raise ServiceNotOffered(f"{found.name} does not offer {service.value}")
            runtime().guardianship.check(caller)
            return view(caller, found, **rest)

        return guarded

    return decorate
