"""Fixtures of the eFrikort suite: the gateway's own client for the target, and test data.

Against the built-in mocks the patients come from the default dataset, by label. Against a real
producer there is no admin API: set

    ETJANST_CONTRACT_FRIKORT_PATIENT  an identity number with a CARE_VISIT card this period

Without it the tests that need a card are skipped, saying why; the others still run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.suites.patients import patient_for
from contracts.suites.target import Target
from gateway.domain.identity import (
    Identity,
    parse_identity,
    with_check_digit,
)
from gateway.upstreams.frikort import FrikortClient
from gateway.upstreams.http import Exchange as HttpExchange
from gateway.upstreams.http import Received, SentRequest

PATIENT_ENV = "ETJANST_CONTRACT_FRIKORT_PATIENT"
CARD_PATIENT = "free-card"  # default dataset: a card whose ceiling is reached
# Valid check digit, born 1900: no test environment should hold a card for it.
UNKNOWN_PATIENT = with_check_digit("19000101990")


class Wire:
    """The last exchange the client made, as it went over the wire."""

    def __init__(self) -> None:
        self.sent: SentRequest | None = None
        self.received: Received | None = None

    def __call__(self, exchange: HttpExchange) -> None:
        if exchange.received is not None:
            self.sent, self.received = exchange.sent, exchange.received


@pytest.fixture(scope="session")
def wire() -> Wire:
    return Wire()


@pytest.fixture(scope="session")
def frikort(target: Target, wire: Wire) -> Iterator[FrikortClient]:
    context = target.context()
    client = FrikortClient(target.upstream("frikort"), context)
    client.http.observers.append(wire)
    yield client
    client.http.close()


@pytest.fixture(scope="session")
def card_patient(target: Target) -> Identity | None:
    return patient_for(target, "frikort", CARD_PATIENT, PATIENT_ENV)


@pytest.fixture
def with_card(card_patient: Identity | None) -> Identity:
    if card_patient is None:
        pytest.skip(f"needs test data on a real producer: set {PATIENT_ENV}")
    return card_patient


@pytest.fixture(scope="session")
def unknown_patient() -> Identity:
    return parse_identity(UNKNOWN_PATIENT)
