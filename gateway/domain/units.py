"""Care units (vårdenheter) by HSA-id, the e-services each offers, and linked units."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from gateway.domain.web_booking import WebBooking

# SE + organisation number (10 digits, or 12 with a 16 prefix) + '-' + alphanumeric suffix.
# ASCII only: Unicode case folding would let U+017F (long s) stand for 'S', and \d match
# full-width digits.
HSA_ID = re.compile(r"SE(?:\d{10}|16\d{10})-[A-Za-z0-9]{1,20}", re.IGNORECASE | re.ASCII)


class EService(StrEnum):
    """The e-services a unit can offer (`units.<hsa-id>.services` in the settings)."""

    RENEW_PRESCRIPTION = "renew-prescription"
    WEB_BOOKING = "web-booking"
    SEND_MESSAGE = "send-message"


class MalformedUnitId(ValueError):
    pass


@dataclass(frozen=True)
class Unit:
    hsa_id: str
    name: str
    services: frozenset[EService]
    web_booking: WebBooking | None = None  # what it offers for appointments; None: nothing


def normalise_unit_id(text: str) -> str:
    """HSA-ids compare case-insensitively; the canonical form is upper case."""
    if not HSA_ID.fullmatch(text):
        raise MalformedUnitId("a unit id is an HSA-id such as SE2321000057-5VTN")
    return text.upper()


def link_groups(links: Mapping[str, list[str]]) -> dict[str, frozenset[str]]:
    """Each unit's group: itself and every unit linked to it, directly or through another unit
    (links are symmetric, so a clinic's units all see each other's ordinations)."""
    neighbours: dict[str, set[str]] = {}
    for unit, linked in links.items():
        for other in linked:
            neighbours.setdefault(unit.upper(), set()).add(other.upper())
            neighbours.setdefault(other.upper(), set()).add(unit.upper())
    groups: dict[str, frozenset[str]] = {}
    for start in neighbours:
        if start in groups:
            continue
        seen, todo = {start}, [start]
        while todo:
            for other in neighbours[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        group = frozenset(seen)
        for unit in group:
            groups[unit] = group
    return groups
