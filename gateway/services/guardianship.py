"""Guardianship: may the caller act for the child their token names (`act_for`)? Every
e-service that accepts a proxy asks this through the API's guard, before its own work. And who
is the caller, and whom may they act for (`GET /v1/me`)?

With `auth.guardianship = "register"` the answer comes from the population register; with
`"token"` the signed `act_for` is trusted as it is (only the age rule applies). Register records
are reused for `auth.guardianship_cache_s` seconds, so a page of several e-services makes one
register call. A register failure fails the proxy request (fail closed) and never touches a
request without `act_for`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cachetools import TTLCache

from gateway.domain.age import Caller, age_on
from gateway.domain.guardianship import (
    ProxyRefusal,
    Resident,
    proxy_refusal,
    register_refusal,
    wards,
)
from gateway.domain.identity import Identity, InvalidIdentityNumber, parse_identity
from gateway.errors import ApiError, NotGuardian, ProtectedIdentity, ProxyForbidden, UpstreamError
from gateway.upstreams.population import PopulationClient

CACHE_SIZE = 10_000  # people; the oldest go first when it is full
_UNKNOWN = object()  # cached: the register does not know this person

REFUSED: dict[ProxyRefusal, tuple[type[ApiError], str]] = {
    # The same words whoever the child is: a refusal never says more about the child.
    ProxyRefusal.NOT_GUARDIAN: (
        NotGuardian,
        "the population register does not show you as this child's guardian today",
    ),
    ProxyRefusal.PROXY_NOT_ALLOWED: (
        ProxyForbidden,
        "a guardian may act as proxy only for a child under 13",
    ),
    ProxyRefusal.PROTECTED_IDENTITY: (
        ProtectedIdentity,
        "this child's details cannot be shown in the e-services",
    ),
}


@dataclass(frozen=True)
class Someone:
    identity: Identity
    name: str | None  # from the register; None when it has none to show
    age: int


@dataclass(frozen=True)
class Child(Someone):
    refusal: ProxyRefusal | None  # why the caller may not act for the child; None: they may


@dataclass(frozen=True)
class Profile:
    me: Someone
    acting_for: Someone | None
    children: list[Child]


class Guardianship:
    def __init__(
        self,
        register: PopulationClient,
        mode: Literal["register", "token"],
        cache_s: int,
        today: Callable[[], date],
    ) -> None:
        self.register, self.mode, self.today = register, mode, today
        self._cache: TTLCache[str, object] | None = (
            TTLCache(maxsize=CACHE_SIZE, ttl=cache_s) if cache_s else None
        )
        self._lock = threading.Lock()

    def check(self, caller: Caller) -> None:
        """Nothing when the caller acts for nobody or may act for the child; otherwise the
        refusal as an ApiError (403), or the register's failure (502/503/504)."""
        child = caller.acting_for
        if child is None:
            return
        today = self.today()
        if self.mode == "token":
            refusal = proxy_refusal(child, today, guardian=True, protected=False)
        else:
            records = self.records([caller.subject, child])
            refusal = register_refusal(caller.subject.number, child, records, today)
        if refusal is not None:
            error, detail = REFUSED[refusal]
            raise error(detail)

    def profile(self, caller: Caller) -> Profile:
        """The caller, the child they act for (after the proxy check) and the children in
        their custody today: one register call, and one more for children not yet cached."""
        self.check(caller)
        today = self.today()
        asked = [caller.subject] + ([caller.acting_for] if caller.acting_for else [])
        records = self.records(asked)
        own = records.get(caller.subject.number)
        children = _identities(wards(own, today) if own else [])
        records.update(self.records(children))

        def name(person: Identity) -> str | None:
            return _name(records.get(person.number))

        def age(person: Identity) -> int:
            return age_on(person.birth_date, today)

        acting_for = caller.acting_for
        return Profile(
            me=Someone(caller.subject, name(caller.subject), age(caller.subject)),
            acting_for=Someone(acting_for, name(acting_for), age(acting_for))
            if acting_for
            else None,
            children=[
                Child(
                    child,
                    name(child),
                    age(child),
                    register_refusal(caller.subject.number, child, records, today),
                )
                for child in children
            ],
        )

    def name(self, person: Identity) -> str | None:
        """The person's name in the register, where the product shows a person; None when the
        register has none to give (protected identity, unknown) or cannot be reached (showing
        a name never depends on the register being up)."""
        try:
            return _name(self.records([person]).get(person.number))
        except UpstreamError:
            return None

    def records(self, people: Sequence[Identity]) -> dict[str, Resident]:
        """The register's records of `people`, cached ones reused; the rest in one call."""
        found: dict[str, object] = {}
        if self._cache is not None:
            with self._lock:
                for person in people:
                    cached = self._cache.get(person.number)
                    if cached is not None:
                        found[person.number] = cached
        missing = [person for person in people if person.number not in found]
        if missing:
            fetched = self.register.residents(missing)
            for person in missing:
                found[person.number] = fetched.get(person.number, _UNKNOWN)
            if self._cache is not None:
                with self._lock:
                    for person in missing:
                        self._cache[person.number] = found[person.number]
        return {n: r for n, r in found.items() if isinstance(r, Resident)}


def _name(record: Resident | None) -> str | None:
    if record is None or record.protected or record.name is None:
        return None
    return record.name.display()


def _identities(numbers: Sequence[str]) -> list[Identity]:
    """The numbers that are valid identities (the register may also hold reserve numbers)."""
    found = []
    for number in numbers:
        try:
            found.append(parse_identity(number))
        except InvalidIdentityNumber:
            continue
    return found
