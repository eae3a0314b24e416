"""Fixtures of the eFrikort suite: the gateway's own client for the target, and test data.

Against the built-in mocks the patients come from the default dataset, by label. Against a real
producer there is no admin API: set

    ETJANST_CONTRACT_FRIKORT_PATIENT  an identity number with a CARE_VISIT card this period

Without it the tests that need a card are skipped, saying why; the others still run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests
from prometheus_client import CollectorRegistry

from contracts.suites.target import Target
from gateway.domain.identity import (
    Identity,
    InvalidIdentityNumber,
    parse_identity,
    with_check_digit,
)
from gateway.upstreams.frikort import FrikortClient
from gateway.upstreams.http import Received, SentRequest, UpstreamContext, UpstreamMetrics

PATIENT_ENV = "ETJANST_CONTRACT_FRIKORT_PATIENT"
CARD_PATIENT = "free-card"  # default dataset: a card whose ceiling is reached
# Valid check digit, born 1900: no test environment should hold a card for it.
UNKNOWN_PATIENT = with_check_digit("19000101990")


class Wire:
    """The last exchange the client made, as it went over the wire."""

    def __init__(self) -> None:
        self.sent: SentRequest | None = None
        self.received: Received | None = None

    def __call__(self, sent: SentRequest, received: Received) -> None:
        self.sent, self.received = sent, received


@pytest.fixture(scope="session")
def wire() -> Wire:
    return Wire()


@pytest.fixture(scope="session")
def frikort(target: Target, wire: Wire) -> Iterator[FrikortClient]:
    context = UpstreamContext(target.consumer_hsa_id, UpstreamMetrics(CollectorRegistry()))
    client = FrikortClient(target.upstream("frikort"), context)
    client.http.observers.append(wire)
    yield client
    client.http.pool.clear()


@pytest.fixture(scope="session")
def card_patient(target: Target) -> Identity | None:
    if target.builtin_mocks:
        response = requests.get(f"{target.admin_url('frikort')}/patients", timeout=10)
        response.raise_for_status()
        by_label = {p["label"]: p["id"] for p in response.json()["patients"]}
        if CARD_PATIENT not in by_label:
            pytest.fail(f"the mock's default dataset has no patient labelled {CARD_PATIENT}")
        return parse_identity(by_label[CARD_PATIENT])
    number = os.environ.get(PATIENT_ENV, "").strip()
    if not number:
        return None
    try:
        return parse_identity(number)  # its messages never repeat the number
    except InvalidIdentityNumber as exc:
        pytest.fail(f"{PATIENT_ENV}: {exc}", pytrace=False)


@pytest.fixture
def with_card(card_patient: Identity | None) -> Identity:
    if card_patient is None:
        pytest.skip(f"needs test data on a real producer: set {PATIENT_ENV}")
    return card_patient


@pytest.fixture(scope="session")
def unknown_patient() -> Identity:
    return parse_identity(UNKNOWN_PATIENT)
