"""Prescriptions left to collect ("Läkemedelstjänster"): which of the citizen's electronic
prescriptions still have something to collect, whatever the upstream sends.

Listed: status `active`, a validity period that has not ended before today, and something
left: dispenses left = 1 + repeats allowed - completed dispenses > 0 and, when the prescribed
quantity and every completed dispense's quantity are known, quantity left > 0."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None


@dataclass(frozen=True)
class Dispense:
    prescription_id: str
    completed: bool
    quantity: Quantity | None


@dataclass(frozen=True)
class Prescription:
    id: str
    status: str
    name: str | None
    npl_id: str | None
    dosage: str | None
    purpose: str | None
    prescriber: str | None
    prescribed_on: date | None
    valid_until: date | None
    repeats_allowed: int | None
    quantity: Quantity | None


@dataclass(frozen=True)
class LeftToCollect:
    prescription: Prescription
    dispenses_left: int
    quantity_left: Quantity | None


def _quantity_left(prescribed: Quantity | None, dispensed: list[Dispense]) -> Quantity | None:
    if prescribed is None:
        return None
    used = 0.0
    for dispense in dispensed:
        if dispense.quantity is None or dispense.quantity.unit not in (None, prescribed.unit):
            return None  # not comparable: unknown rather than wrong
        used += dispense.quantity.value
    return Quantity(round(prescribed.value - used, 3), prescribed.unit)


def left_to_collect(
    prescriptions: Iterable[Prescription], dispenses: Iterable[Dispense], today: date
) -> list[LeftToCollect]:
    """The prescriptions with something left to collect, by last valid day (open-ended last)."""
    completed: dict[str, list[Dispense]] = {}
    for dispense in dispenses:
        if dispense.completed:
            completed.setdefault(dispense.prescription_id, []).append(dispense)
    listed = []
    for prescription in prescriptions:
        if prescription.status != "active":
            continue
        if prescription.valid_until is not None and prescription.valid_until < today:
            continue
        done = completed.get(prescription.id, [])
        dispenses_left = 1 + (prescription.repeats_allowed or 0) - len(done)
        quantity_left = _quantity_left(prescription.quantity, done)
        if dispenses_left <= 0 or (quantity_left is not None and quantity_left.value <= 0):
            continue
        listed.append(LeftToCollect(prescription, dispenses_left, quantity_left))
    return sorted(
        listed,
        key=lambda item: (
            item.prescription.valid_until or date.max,
            item.prescription.name or "",
            item.prescription.id,
        ),
    )
