"""Fixtures of the HKDB suite: the gateway's client for the target, and a test patient.

Against the built-in mocks the patient is the default dataset's `current-and-previous-period`;
against a real producer set ETJANST_CONTRACT_EHM_HKDB_PATIENT (an identity number with an
account). Without it the tests that need an account are skipped, saying why."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from contracts.suites.patients import patient_for
from contracts.suites.target import Target
from gateway.domain.identity import Identity
from gateway.upstreams.ehm_hkdb import HkdbClient
from gateway.upstreams.http import UpstreamMetrics

PATIENT_ENV = "ETJANST_CONTRACT_EHM_HKDB_PATIENT"
LABEL = "current-and-previous-period"


@pytest.fixture(scope="session")
def hkdb_metrics() -> UpstreamMetrics:
    return UpstreamMetrics(CollectorRegistry())


@pytest.fixture(scope="session")
def hkdb(target: Target, hkdb_metrics: UpstreamMetrics) -> HkdbClient:
    context = target.context(hkdb_metrics)
    return HkdbClient(target.upstream("ehm_hkdb"), context)


@pytest.fixture(scope="session")
def hkdb_patient(target: Target) -> Identity:
    found = patient_for(target, "ehm_hkdb", LABEL, PATIENT_ENV)
    if found is None:
        pytest.skip(f"needs test data on a real producer: set {PATIENT_ENV}")
    return found
