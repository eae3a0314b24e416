"""Prescriptions left to collect: the listing rules without a server."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from gateway.domain.prescriptions import Dispense, Prescription, Quantity, left_to_collect

TODAY = date(2026, 11, 25)
BASE = Prescription(
    id="RX",
    status="active",
    name="Alvedon",
    npl_id=None,
    dosage=None,
    purpose=None,
    prescriber=None,
    prescribed_on=TODAY - timedelta(days=30),
    valid_until=TODAY + timedelta(days=30),
    repeats_allowed=1,
    quantity=Quantity(100, "tablett"),
)


def done(quantity: float | None = 50, unit: str | None = "tablett", rx: str = "RX") -> Dispense:
    return Dispense(rx, True, None if quantity is None else Quantity(quantity, unit))


@pytest.mark.parametrize(
    "status", ["cancelled", "stopped", "completed", "entered-in-error", "draft", "on-hold"]
)
def test_only_active_prescriptions_are_listed(status: str) -> None:
    assert left_to_collect([replace(BASE, status=status)], [], TODAY) == []


@pytest.mark.parametrize(("days", "listed"), [(-1, False), (0, True), (1, True)])
def test_valid_until_today_inclusive(days: int, listed: bool) -> None:
    prescription = replace(BASE, valid_until=TODAY + timedelta(days=days))
    assert bool(left_to_collect([prescription], [], TODAY)) is listed


def test_dispenses_left_counts_completed_dispenses_of_this_prescription() -> None:
    dispenses = [done(10), Dispense("RX", False, Quantity(10, "tablett")), done(10, rx="OTHER")]
    (item,) = left_to_collect([replace(BASE, repeats_allowed=2)], dispenses, TODAY)
    assert item.dispenses_left == 2
    assert item.quantity_left == Quantity(90, "tablett")


def test_nothing_left_is_not_listed() -> None:
    assert left_to_collect([BASE], [done(10), done(10)], TODAY) == []  # dispenses used up
    assert left_to_collect([BASE], [done(100)], TODAY) == []  # quantity used up


def test_quantity_left_is_unknown_when_a_dispense_is_not_comparable() -> None:
    (item,) = left_to_collect([BASE], [done(None)], TODAY)
    assert item.quantity_left is None
    (item,) = left_to_collect([BASE], [done(100, unit="ml")], TODAY)
    assert item.quantity_left is None  # another unit: not subtracted, still listed


def test_sorted_by_valid_until_open_ended_last() -> None:
    late = replace(BASE, id="late", valid_until=TODAY + timedelta(days=90))
    soon = replace(BASE, id="soon", valid_until=TODAY)
    open_ended = replace(BASE, id="open", valid_until=None)
    found = left_to_collect([open_ended, late, soon], [], TODAY)
    assert [item.prescription.id for item in found] == ["soon", "late", "open"]
