"""People who are not citizens: staff and administrators, identified by HSA-id, with the roles
and units their token carries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"  # reads and answers the cases of their units
    LOCAL_ADMIN = "local-admin"  # local case types and standard replies of their units
    CENTRAL_ADMIN = "central-admin"  # central case types and their activation at every unit


@dataclass(frozen=True)
class StaffMember:
    hsa_id: str
    roles: frozenset[Role]
    units: frozenset[str]  # canonical unit HSA-ids

    def may(self, role: Role, unit: str | None = None) -> bool:
        """The central administrator acts for the whole region; the other roles only for the
        units the person works for."""
        if role not in self.roles:
            return False
        return role == Role.CENTRAL_ADMIN or unit is None or unit in self.units
