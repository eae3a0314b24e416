"""Choice of care ("Vårdval / listning"): a citizen's listings and queue places, the facilities
to choose from, and what a listing request may ask for. Plain data; the national listing
service decides (limits, capacity, consent, age), the gateway shows and asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from gateway.domain.age import Caller
from gateway.domain.identity import Identity

PRIMARY_CARE = "PV"


class Actor(StrEnum):
    """Who asks the listing service, as the contract names them."""

    CITIZEN = "CITIZEN"
    GUARDIAN = "GUARDIAN"


def actor_of(caller: Caller) -> tuple[Actor, Identity]:
    """The contract's actor for a caller: a guardian acting as proxy, or the citizen."""
    return (Actor.GUARDIAN if caller.acting_for else Actor.CITIZEN), caller.subject


@dataclass(frozen=True)
class ListingType:
    code: str
    name: str | None


@dataclass(frozen=True)
class Personnel:
    hsa_id: str
    name: str
    title: str | None


@dataclass(frozen=True)
class Facility:
    hsa_id: str
    name: str
    has_queue: bool
    personnel_choice: bool
    listing_types: tuple[str, ...]
    queue_length: int | None = None
    estimated_wait_days: int | None = None


@dataclass(frozen=True)
class Listing:
    """A listing, or a place in a facility's queue (`in_queue`)."""

    type: ListingType
    facility: Facility
    personnel: Personnel | None
    valid_from: date | None
    valid_to: date | None
    in_queue: bool
    queue_position: int | None
    estimated_wait_days: int | None
    remaining_changes: int | None


@dataclass(frozen=True)
class ListingChange:
    """What a citizen asks for: list (or relist) at a facility, or queue there when it is full."""

    facility: str  # HSA-id, canonical (upper case)
    type: str = PRIMARY_CARE
    personnel: str | None = None
    add_to_queue: bool = False


def changes_left(listings: list[Listing]) -> int | None:
    """What the listing service says is left of the yearly changes; None when it says nothing."""
    found = [item.remaining_changes for item in listings if item.remaining_changes is not None]
    return min(found) if found else None


def the_change(listings: list[Listing], change: ListingChange) -> Listing | None:
    """The listing or queue place a change made, as the listing service now shows it."""
    found = [
        item
        for item in listings
        if item.facility.hsa_id.upper() == change.facility and item.type.code == change.type
    ]
    # a queue place, when one was asked for and made; else the listing
    found.sort(key=lambda item: item.in_queue != change.add_to_queue)
    return found[0] if found else None
