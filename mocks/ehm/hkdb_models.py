"""The high-cost database mock's state: accounts and the purchases registered on them, and the
account HamtaHkdbKonto answers, computed from the purchases with the dated ladders.

Purchases are entities in the kit's store (seeded from the dataset, added through the admin
API), so what a test team registers holds for every worker process. A period runs 12 months
from its first purchase; the ladder is the one of the period's start date; a purchase made
before the patient's 18th birthday costs the patient nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

from contracts.ehm.ladders import ORE, Ladder, ladder_for, ladders, period_end
from mocks.kit.mock import AdminRefused
from mocks.kit.store import Entities, MockStore

Kronor = Annotated[
    Decimal,
    Field(gt=0, le=10_000_000, decimal_places=2),
    PlainSerializer(float, return_type=float, when_used="json"),  # a JSON number, not a string
]
FREE_FOR_CHILDREN_UNDER = 18


class Purchase(BaseModel):
    """A purchase of subsidised drugs on the patient's account (gross: before any discount)."""

    model_config = ConfigDict(extra="forbid")
    patient: str = Field(pattern=r"^[0-9]{12}$")
    date: date
    gross: Kronor

    @field_validator("date")
    @classmethod
    def _a_ladder_covers_it(cls, value: date) -> date:
        oldest = ladders()[0].periods_from
        if value < oldest:
            raise ValueError(f"the oldest ladder covers periods from {oldest}")
        return value


class HkdbAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    patient: str = Field(pattern=r"^[0-9]{12}$")
    label: str | None = None
    enrolled: bool = Field(True, description="ansluten: the patient has a high-cost account")
    guardian: str | None = Field(None, pattern=r"^[0-9]{12}$", description="huvudPersNr")


class HkdbDataset(BaseModel):
    """The high-cost database mock's data: accounts and every purchase registered on them
    (more can be added with POST purchases)."""

    model_config = ConfigDict(extra="forbid")
    accounts: list[HkdbAccount] = []
    purchases: list[Purchase] = []


class Purchases(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purchases: list[Purchase]


@dataclass(frozen=True)
class Period:
    start: date
    gross: Decimal
    net: Decimal
    ladder: Ladder

    @property
    def end(self) -> date:
        return period_end(self.start)


@dataclass(frozen=True)
class Account:
    patient: str
    enrolled: bool
    guardian: str | None
    previous: Period | None
    current: Period | None
    child: bool

    @property
    def discount_percent(self) -> int | None:
        if self.current is None:
            return None
        if self.child:
            return 100
        return 100 - self.current.ladder.percent_at(self.current.gross)

    @property
    def left_until_free_card(self) -> tuple[Decimal, Decimal] | None:
        if self.current is None:
            return None
        if self.child:
            return Decimal("0.00"), Decimal("0.00")
        ladder = self.current.ladder
        gross = max(Decimal(0), ladder.free_card_at - self.current.gross)
        net = max(Decimal(0), ladder.ceiling - self.current.net)
        return gross.quantize(ORE), net.quantize(ORE)


def birth_date(number: str) -> date:
    """From a personnummer or samordningsnummer (birth day + 60)."""
    day = int(number[6:8])
    return date(int(number[:4]), int(number[4:6]), day - 60 if day > 60 else day)


def _adult_on(number: str, day: date) -> bool:
    birth = birth_date(number)
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return age >= FREE_FOR_CHILDREN_UNDER


@dataclass(frozen=True)
class Entry:
    """One purchase on the account, with its period's balance before and after it."""

    purchase: Purchase
    before: Period
    after: Period


def ledger(patient: str, purchases: list[Purchase]) -> list[Entry]:
    """The purchases oldest first, each in its period: a period runs 12 months from its first
    purchase, on the ladder of that day."""
    entries: list[Entry] = []
    period: Period | None = None
    for purchase in sorted(purchases, key=lambda p: p.date):
        if period is None or purchase.date > period.end:
            period = Period(purchase.date, Decimal(0), Decimal(0), ladder_for(purchase.date))
        gross = period.gross + purchase.gross
        paid = Decimal(0)
        if _adult_on(patient, purchase.date):
            paid = period.ladder.net(gross) - period.ladder.net(period.gross)
        after = Period(period.start, gross, period.net + paid, period.ladder)
        entries.append(Entry(purchase, period, after))
        period = after
    return entries


def periods(patient: str, purchases: list[Purchase]) -> list[Period]:
    """The patient's periods, oldest first, each with its balance after its last purchase."""
    last: dict[date, Period] = {}
    for entry in ledger(patient, purchases):
        last[entry.after.start] = entry.after
    return list(last.values())


def seed(tx: Entities, document: Any) -> None:
    dataset = HkdbDataset.model_validate(document)
    for account in dataset.accounts:
        tx.insert("account", account.patient, account.model_dump(mode="json"))
    for purchase in dataset.purchases:
        add_purchase(tx, purchase)


def add_purchase(tx: Entities, purchase: Purchase) -> dict[str, Any]:
    """Numbered in one transaction: two workers adding at once never get the same key."""
    document = purchase.model_dump(mode="json")
    tx.insert("purchase", f"{tx.count('purchase') + 1:08d}", document)
    return document


class HkdbBackend:
    def __init__(self, store: MockStore, name: str) -> None:
        self.store, self.name = store, name

    def purchases(self, patient: str | None = None) -> list[Purchase]:
        found = self.store.entities(self.name).list(
            "purchase", None if patient is None else lambda p: p["patient"] == patient
        )
        return [Purchase.model_validate(p) for p in found]

    def register(self, purchase: Purchase, today: date) -> dict[str, Any]:
        if purchase.date > today:
            raise AdminRefused("FUTURE_PURCHASE", f"{purchase.date} is after today ({today})")
        with self.store.transaction(self.name) as tx:
            return add_purchase(tx, purchase)

    def transactions(self, patient: str, today: date, count: int = 5) -> list[Entry]:
        """The latest `count` purchases up to today, newest first."""
        entries = [e for e in ledger(patient, self.purchases(patient)) if e.purchase.date <= today]
        return entries[::-1][:count]

    def account(self, patient: str, today: date) -> Account:
        stored = self.store.entities(self.name).get("account", patient)
        bought = self.purchases(patient)
        found = [p for p in periods(patient, bought) if p.start <= today]
        current = found[-1] if found and found[-1].end >= today else None
        previous_ones = found[:-1] if current else found
        return Account(
            patient=patient,
            enrolled=bool(stored["enrolled"]) if stored else bool(bought),
            guardian=stored.get("guardian") if stored else None,
            previous=previous_ones[-1] if previous_ones else None,
            current=current,
            child=not _adult_on(patient, today),
        )
