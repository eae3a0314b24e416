"""The eFrikort mock's state: visits with fees (registered by test teams) and the free cards the
producer keeps from them, as entities in the kit's store.

The card rules, as the region applies them (HSL 2017:30, 17 kap.):
- a period runs 12 months from the first fee that is not within an earlier period (first fee on
  25 April: the period ends on 24 April the year after);
- fees add up to the ceiling in force on the period's start date; the fee that crosses it counts
  only up to the ceiling, and from that day (LimitReachedDate) the card is a free card until the
  period ends;
- siblings under 18 of one family share one card (the family's children, with their guardian).

Cards are recomputed from a holder's visits, in the transaction that registers a visit, so the
answer never depends on the order visits were registered in.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mocks.kit.fields import IdentityNumber
from mocks.kit.store import Entities, MockStore

CARD_IDS = uuid.UUID("0b7f5b2e-64a7-4c38-9d0e-6f1c2a9e4d11")  # uuid5 namespace of CardSystemIds


class Ceiling(BaseModel):
    """The high-cost ceiling in force from `since` until the next one."""

    model_config = ConfigDict(extra="forbid")
    since: dt.date
    amount: int = Field(gt=0, description="kronor per 12-month period")
    source: str = Field(description="where the figure comes from; 'inferred' when it is")


class Visit(BaseModel):
    """A visit with a fee, as test teams register it (POST _admin/visits)."""

    model_config = ConfigDict(extra="forbid")
    patient: IdentityNumber
    date: dt.date
    fee: int = Field(gt=0, le=100_000, description="the fee charged, in kronor")


class Family(BaseModel):
    """Siblings under 18 who share one card, and the guardian named on it."""

    model_config = ConfigDict(extra="forbid")
    guardian: IdentityNumber
    children: list[IdentityNumber] = Field(min_length=1)


class Patient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: IdentityNumber
    label: str | None = Field(None, description="what this patient is for")


class FrikortDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ceilings: list[Ceiling] = Field(min_length=1, description="dated ceilings, any order")
    patients: list[Patient] = []
    families: list[Family] = []
    visits: list[Visit] = []

    @model_validator(mode="after")
    def _one_family_per_child(self) -> FrikortDataset:
        children = [c for family in self.families for c in family.children]
        if len(children) != len(set(children)):
            raise ValueError("a child may belong to one family only")
        if len({c.since for c in self.ceilings}) != len(self.ceilings):
            raise ValueError("one ceiling per date")
        return self


@dataclass(frozen=True)
class Holder:
    """Whose card a visit counts on: the patient's own, or their family's."""

    key: str
    persons: tuple[str, ...]
    guardian: str | None = None


@dataclass
class Card:
    holder: Holder
    start: date
    ceiling: int
    paid: int = 0
    limit_reached: date | None = None
    transactions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def end(self) -> date:
        return period_end(self.start)

    @property
    def system_id(self) -> str:
        return str(uuid.uuid5(CARD_IDS, f"{self.holder.key}/{self.start}"))

    @property
    def number(self) -> str:
        """The free card number: readable, not unique (as the contract says of CardId)."""
        return f"{self.start:%y%m%d}-{uuid.UUID(self.system_id).int % 10_000:04d}"

    def document(self) -> dict[str, Any]:
        return {
            "systemId": self.system_id,
            "number": self.number,
            "holder": self.holder.key,
            "persons": list(self.holder.persons),
            "guardian": self.holder.guardian,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "ceiling": self.ceiling,
            "paid": self.paid,
            "limitReached": self.limit_reached.isoformat() if self.limit_reached else None,
            "transactions": self.transactions,
        }


def period_end(start: date) -> date:
    """The last day of the 12 months from `start` (29 February: the period ends 28 February)."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = date(start.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def ceiling_on(ceilings: Iterable[Ceiling], day: date) -> int:
    """The ceiling in force on `day`: the latest one from that day or before."""
    in_force = [c for c in ceilings if c.since <= day]
    if not in_force:
        raise ValueError(f"no ceiling is in force on {day}")
    return max(in_force, key=lambda c: c.since).amount


def cards(holder: Holder, visits: list[dict[str, Any]], ceilings: list[Ceiling]) -> list[Card]:
    """The holder's cards from their visits (`number`, `date`, `fee`), in date order."""
    found: list[Card] = []
    for visit in sorted(visits, key=lambda v: (v["date"], v["number"])):
        day = date.fromisoformat(visit["date"])
        if not found or day > found[-1].end:
            found.append(Card(holder, day, ceiling_on(ceilings, day)))
        card = found[-1]
        counted = min(visit["fee"], card.ceiling - card.paid)
        if counted <= 0:
            continue  # a free visit: the card covers it
        card.paid += counted
        if card.paid == card.ceiling:
            card.limit_reached = day
        card.transactions.append(
            {
                "id": str(uuid.uuid5(CARD_IDS, f"visit/{visit['number']}")),
                "amount": counted,
                "date": visit["date"],
                "registered": visit["registered"],
                "patient": visit["patient"],
            }
        )
    return found


class FrikortBackend:
    """What handlers and the admin API work on."""

    def __init__(self, store: MockStore, name: str, dataset: FrikortDataset) -> None:
        self.store, self.name, self.dataset = store, name, dataset

    def current_card(self, person: str, today: date) -> dict[str, Any] | None:
        """The card covering `today` on which `person` is listed."""

        def covers(card: dict[str, Any]) -> bool:
            return person in card["persons"] and card["start"] <= today.isoformat() <= card["end"]

        found = self.store.entities(self.name).list("card", covers)
        return found[-1] if found else None

    def card(self, system_id: str) -> dict[str, Any] | None:
        return self.store.entities(self.name).get("card", system_id)

    def register(self, visit: Visit, registered: date) -> dict[str, Any]:
        with self.store.transaction(self.name) as tx:
            return register(tx, self.dataset, visit, registered)


def holder_of(dataset: FrikortDataset, patient: str) -> Holder:
    for family in dataset.families:
        if patient in family.children:
            return Holder(f"family/{family.guardian}", tuple(family.children), family.guardian)
    return Holder(patient, (patient,))


def register(
    tx: Entities, dataset: FrikortDataset, visit: Visit, registered: date
) -> dict[str, Any]:
    """Store the visit and recompute its holder's cards; returns the visit as stored, with the
    card it counts on (`cardSystemId`)."""
    holder = holder_of(dataset, visit.patient)
    number = f"{tx.count('visit') + 1:06d}"
    stored = {
        "number": number,
        "holder": holder.key,
        "patient": visit.patient,
        "date": visit.date.isoformat(),
        "fee": visit.fee,
        "registered": registered.isoformat(),
    }
    tx.insert("visit", number, stored)
    visits = tx.list("visit", lambda v: v["holder"] == holder.key)
    for old in tx.list("card", lambda c: c["holder"] == holder.key):
        tx.delete("card", old["systemId"])
    counts_on = None
    for card in cards(holder, visits, dataset.ceilings):
        tx.put("card", card.system_id, card.document())
        if card.start <= visit.date <= card.end:
            counts_on = card.system_id
    return {**stored, "cardSystemId": counts_on}


def seed(tx: Entities, document: Any, today: date) -> None:
    dataset = FrikortDataset.model_validate(document)
    for visit in dataset.visits:
        register(tx, dataset, visit, min(visit.date, today))
