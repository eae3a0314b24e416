"""What every citizen endpoint checks before its own work, in this order: the bearer token
(401), the unit id (400), the unit in the registry (404) and the e-service offered there (404).
A view decorated with `citizen_service(...)` receives the caller and the unit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from gateway.domain.age import Caller, ProxyNotAllowed, check_proxy
from gateway.domain.units import EService, MalformedUnitId, Unit, normalise_unit_id
from gateway.errors import InvalidUnit, ProxyForbidden, ServiceNotOffered, UnitNotFound
from gateway.runtime import runtime

View = Callable[..., Any]


def authenticated_caller() -> Caller:
    return runtime().tokens.caller(request.headers.get("Authorization"))


def proxy_allowed(caller: Caller) -> Caller:
    """The caller, unless a guardian acts for a child of 13 or more (403)."""
    try:
        check_proxy(caller, runtime().settings.today_date())
    except ProxyNotAllowed as exc:
        raise ProxyForbidden("a guardian may act as proxy only for a child under 13") from exc
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


def citizen_service(service: EService) -> Callable[[View], View]:
    """For `/v1/units/<unit>/...` views: `view(caller, unit, **rest)`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(unit: str, **rest: Any) -> Any:
            caller = authenticated_caller()
            found = registered_unit(unit)
            if service not in found.services:
                raise ServiceNotOffered(f"{found.name} does not offer {service.value}")
            return view(caller, found, **rest)

        return guarded

    return decorate
