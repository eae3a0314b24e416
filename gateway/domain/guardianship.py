"""Who may act for whom: the population register's records of the people involved, and the
rules a guardian acting as proxy must pass (`today` is an argument, as everywhere).

A guardian may act for a child when the register shows the custody today (in either person's
record: a child with protected identity shows nothing, so the guardian's own record may be the
only place it is readable), the child is under 13, and the child has no protected identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from gateway.domain.age import PROXY_MAX_CHILD_AGE, age_on
from gateway.domain.identity import Identity


class Kinship(Enum):
    """A relation as seen from the record's owner."""

    GUARDIAN = "guardian"  # the related person has custody of the owner
    WARD = "ward"  # the owner has custody of the related person
    OTHER = "other"  # parent, child, spouse...: never custody by itself


@dataclass(frozen=True)
class Relation:
    person: str = field(repr=False)  # the related person's identity number: never in a log
    kinship: Kinship
    start: date | None = None  # first day; None: not recorded
    end: date | None = None  # last day; None: still holds

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PersonName:
    given: str | None  # every given name
    middle: str | None
    surname: str | None
    called: int | None = None  # which given name is used: 10 the first, 20 the second...

    def display(self) -> str | None:
        """The name as people see it: the given name in use, middle name, surname."""
        given = self.given
        names = (self.given or "").split()
        if self.called is not None and 1 <= self.called // 10 <= len(names):
            given = names[self.called // 10 - 1]
        shown = " ".join(part for part in (given, self.middle, self.surname) if part)
        return shown or None


@dataclass(frozen=True)
class Resident:
    """A person's record in the register."""

    number: str
    protected: bool  # protected identity (sekretessmarkering)
    name: PersonName | None = None
    relations: tuple[Relation, ...] = ()
    county: str | None = None  # LanKod of the registered address (folkbokföringsadress)

    def __repr__(self) -> str:  # never a number or a name in a log line
        return f"Resident(protected={self.protected}, relations={len(self.relations)})"


class ProxyRefusal(Enum):
    NOT_GUARDIAN = "NOT_GUARDIAN"
    PROXY_NOT_ALLOWED = "PROXY_NOT_ALLOWED"  # the child is 13 or older
    PROTECTED_IDENTITY = "PROTECTED_IDENTITY"


def has_custody(guardian: str, child: str, records: Mapping[str, Resident], today: date) -> bool:
    """Whether the register shows `guardian` having custody of `child` today. Without the
    child's record (the register does not know the child) there is no custody."""
    if child not in records:
        return False
    return _shows(records.get(guardian), child, Kinship.WARD, today) or _shows(
        records[child], guardian, Kinship.GUARDIAN, today
    )


def _shows(record: Resident | None, other: str, kinship: Kinship, today: date) -> bool:
    return record is not None and any(
        r.person == other and r.kinship is kinship and r.holds_on(today) for r in record.relations
    )


def wards(guardian: Resident, today: date) -> list[str]:
    """The people in the guardian's custody today, by the guardian's own record."""
    return list(
        dict.fromkeys(
            r.person for r in guardian.relations if r.kinship is Kinship.WARD and r.holds_on(today)
        )
    )


def proxy_refusal(
    child: Identity, today: date, *, guardian: bool, protected: bool
) -> ProxyRefusal | None:
    """None when a guardian may act for `child` today. A caller who is not the guardian learns
    nothing more about the child (neither age nor protection), so that comes first."""
    if not guardian:
        return ProxyRefusal.NOT_GUARDIAN
    if age_on(child.birth_date, today) > PROXY_MAX_CHILD_AGE:
        return ProxyRefusal.PROXY_NOT_ALLOWED
    if protected:
        return ProxyRefusal.PROTECTED_IDENTITY
    return None


def register_refusal(
    guardian: str, child: Identity, records: Mapping[str, Resident], today: date
) -> ProxyRefusal | None:
    """`proxy_refusal` with what the register's `records` show about the two."""
    record = records.get(child.number)
    return proxy_refusal(
        child,
        today,
        guardian=has_custody(guardian, child.number, records, today),
        protected=record is not None and record.protected,
    )
