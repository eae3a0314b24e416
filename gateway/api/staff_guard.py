"""What every staff and administrator endpoint checks first: a staff token (401), the unit id
(400) and the unit in the registry (404), and the role for that unit (403). Other units' cases
are someone else's: a unit the person does not work for is refused as a whole."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from gateway.api.guards import registered_unit
from gateway.domain.staff import Role, StaffMember
from gateway.errors import ApiError
from gateway.runtime import runtime

View = Callable[..., Any]


class Forbidden(ApiError):
    status, code, title = 403, "FORBIDDEN", "Not allowed for this role or unit"


def staff_member(*roles: Role, unit: str | None = None) -> StaffMember:
    """The token's person, who must hold one of `roles` (for `unit`, when given)."""
    member = runtime().tokens.staff(request.headers.get("Authorization"))
    if not any(member.may(role, unit) for role in roles):
        where = f" at {unit}" if unit else ""
        raise Forbidden(f"needs the role {' or '.join(roles)}{where}")
    return member


def staff_unit(*roles: Role) -> Callable[[View], View]:
    """For `/v1/{staff,admin}/units/<unit>/...` views: `view(member, unit, **rest)`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(unit: str, **rest: Any) -> Any:
            runtime().tokens.staff(request.headers.get("Authorization"))  # 401 before 400/404
            found = registered_unit(unit)
            return view(staff_member(*roles, unit=found.hsa_id), found, **rest)

        return guarded

    return decorate
