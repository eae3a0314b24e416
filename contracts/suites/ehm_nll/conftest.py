"""Fixtures of the NLL suite: the gateway's client for the target, and a test patient.

Against the built-in mocks the patient is the default dataset's `left-to-collect`; against a
real producer set ETJANST_CONTRACT_EHM_PATIENT (an identity number with prescriptions). Without
it the tests that need prescriptions are skipped, saying why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from contracts.suites.patients import patient_for
from contracts.suites.target import Target
from gateway.domain.identity import Identity
from gateway.upstreams.ehm_nll import NllClient

PATIENT_ENV = "ETJANST_CONTRACT_EHM_PATIENT"
LABEL = "left-to-collect"


@pytest.fixture(scope="session")
def nll(target: Target) -> NllClient:
    context = target.context()
    return NllClient(target.upstream("ehm_nll"), context)


@pytest.fixture(scope="session")
def raw() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="session")
def nll_patient(target: Target) -> Identity:
    found = patient_for(target, "ehm_nll", LABEL, PATIENT_ENV)
    if found is None:
        pytest.skip(f"needs test data on a real producer: set {PATIENT_ENV}")
    return found
