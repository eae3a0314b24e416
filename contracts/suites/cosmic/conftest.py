"""Fixtures of the GetMedicationHistory suite: the gateway's client for the target, and test data.

Test data: against the built-in mocks, patients of the default dataset found by label through the
mock's admin API. Against a real producer there is no admin API, so the data comes from the
environment (the settings file cannot carry it: Settings refuses unknown keys):

    ETJANST_CONTRACT_COSMIC_PATIENT  an identity number with records at ...
    ETJANST_CONTRACT_COSMIC_UNIT     ... this care unit (HSA-id)

Without them the data-dependent tests are skipped, saying why; the others still run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import requests

from contracts.suites.cosmic.support import CosmicData, Probe
from contracts.suites.target import Target
from gateway.domain.identity import (
    Identity,
    InvalidIdentityNumber,
    parse_identity,
    with_check_digit,
)
from gateway.domain.ordinations import window_start
from gateway.domain.units import EService, MalformedUnitId, normalise_unit_id

PATIENT_ENV = "ETJANST_CONTRACT_COSMIC_PATIENT"
UNIT_ENV = "ETJANST_CONTRACT_COSMIC_UNIT"
NO_DATA = (
    f"needs test data on a real producer: set {PATIENT_ENV} (an identity number with records) "
    f"and {UNIT_ENV} (the HSA-id of a care unit where they were written)"
)
# Default-dataset patients (mocks/cosmic/data.py) by label.
RULES_PATIENT = "adult-rules"  # every rule of the list, incl. records around the 5-year window
LINKED_PATIENT = "linked-units"  # records at three units
# Valid check digit, born 1900: no test environment should hold records for it.
UNKNOWN_PATIENT = with_check_digit("19000101990")


@pytest.fixture(scope="session")
def cosmic(target: Target) -> Iterator[Probe]:
    probe = Probe(target, target.upstream("cosmic"))
    yield probe
    probe.raw.close()


@pytest.fixture(scope="session")
def cosmic_data(target: Target) -> CosmicData | None:
    if target.builtin_mocks:
        return _from_default_dataset(target)
    return _from_environment()


def _from_default_dataset(target: Target) -> CosmicData:
    response = requests.get(f"{target.admin_url('cosmic')}/dataset", timeout=10)
    response.raise_for_status()
    by_label = {p.get("label"): p for p in response.json()["patients"]}
    missing = {RULES_PATIENT, LINKED_PATIENT} - by_label.keys()
    if missing:
        pytest.fail(f"the mock's default dataset has no patient labelled {sorted(missing)}")
    rules, linked = by_label[RULES_PATIENT], by_label[LINKED_PATIENT]
    unit = Counter(_units_of(rules)).most_common(1)[0][0]
    linked_units = sorted(set(_units_of(linked)))
    if len(linked_units) < 2:
        pytest.fail(f"{LINKED_PATIENT} must have records at two units or more")
    return CosmicData(
        patient=parse_identity(rules["id"]),
        unit=unit,
        filter_patient=parse_identity(linked["id"]),
        filter_units=tuple(linked_units[:-1]),  # the last unit's records must not come back
        source="the built-in mocks' default dataset",
    )


def _units_of(patient: dict[str, Any]) -> list[str]:
    return [record["careUnitHSAId"].upper() for record in patient["records"]]


def _from_environment() -> CosmicData | None:
    number = os.environ.get(PATIENT_ENV, "").strip()
    unit = os.environ.get(UNIT_ENV, "").strip()
    if not number and not unit:
        return None
    if not number or not unit:
        pytest.fail(f"set both {PATIENT_ENV} and {UNIT_ENV}, or neither", pytrace=False)
    try:
        patient = parse_identity(number)  # its messages never repeat the number
        unit = normalise_unit_id(unit)
    except (InvalidIdentityNumber, MalformedUnitId) as exc:
        pytest.fail(f"{PATIENT_ENV} / {UNIT_ENV}: {exc}", pytrace=False)
    return CosmicData(patient, unit, patient, (unit,), source=f"{PATIENT_ENV}, {UNIT_ENV}")


@pytest.fixture
def data(cosmic_data: CosmicData | None) -> CosmicData:
    """For tests that need records: skipped, saying what to set, when there are none."""
    if cosmic_data is None:
        pytest.skip(NO_DATA)
    return cosmic_data


@pytest.fixture(scope="session")
def unknown_patient() -> Identity:
    return parse_identity(UNKNOWN_PATIENT)


@pytest.fixture(scope="session")
def any_patient(cosmic_data: CosmicData | None, unknown_patient: Identity) -> Identity:
    """A patient for checks that do not need records: the test patient when there is one."""
    return cosmic_data.patient if cosmic_data else unknown_patient


@pytest.fixture(scope="session")
def any_unit(target: Target, cosmic_data: CosmicData | None) -> str:
    """A care unit to ask about: the test data's, else the registry's first renew unit."""
    if cosmic_data:
        return cosmic_data.unit
    units = target.units_offering(EService.RENEW_PRESCRIPTION)
    return units[0] if units else target.upstream("cosmic").logical_address or ""


@pytest.fixture(scope="session")
def window(target: Target) -> tuple[date, date]:
    """The period the gateway asks for: five years back from today, today included."""
    return window_start(target.today), target.today
