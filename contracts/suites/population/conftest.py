"""Fixtures of the LookupResidentForFullProfile suite: the gateway's own client for the target,
recording what went over the wire, and test data.

Test data: against the built-in mocks, people of the default dataset found by label through the
mock's admin API. Against a real register there is no admin API, so it comes from the
environment:

    ETJANST_CONTRACT_POPULATION_GUARDIAN   an identity number of a guardian ...
    ETJANST_CONTRACT_POPULATION_CHILD      ... and of a child in their custody today
    ETJANST_CONTRACT_POPULATION_PROTECTED  optional: a person with protected identity

Without them the data-dependent tests are skipped, saying why; the others still run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from contracts.suites.target import Target
from gateway.domain.guardianship import Resident
from gateway.domain.identity import (
    Identity,
    InvalidIdentityNumber,
    parse_identity,
    with_check_digit,
)
from gateway.errors import UpstreamError
from gateway.upstreams.http import Exchange as HttpExchange
from gateway.upstreams.http import Received, SentRequest
from gateway.upstreams.population import PopulationClient
from gateway.upstreams.soap import Reply

GUARDIAN_ENV = "ETJANST_CONTRACT_POPULATION_GUARDIAN"
CHILD_ENV = "ETJANST_CONTRACT_POPULATION_CHILD"
PROTECTED_ENV = "ETJANST_CONTRACT_POPULATION_PROTECTED"
NO_DATA = (
    f"needs test data in a real register: set {GUARDIAN_ENV} and {CHILD_ENV} (a guardian and a "
    "child in their custody today)"
)
# Valid check digit, born 1900: no register should know this person.
UNKNOWN_PERSON = with_check_digit("19000101990")


@dataclass(frozen=True)
class Family:
    guardian: Identity
    child: Identity
    protected: Identity | None  # a person with protected identity, when there is one
    source: str


@dataclass
class Exchange:
    """One call: what went over the wire, and what the gateway's client made of it."""

    sent: SentRequest | None = field(default=None, repr=False)
    received: Received | None = field(default=None, repr=False)
    reply: Reply | None = field(default=None, repr=False)
    residents: dict[str, Resident] | None = field(default=None, repr=False)
    error: UpstreamError | None = None


class Probe:
    """The gateway's PopulationClient, built from the target's settings."""

    def __init__(self, target: Target) -> None:
        settings = target.upstream("population")
        context = target.context()
        self.client = PopulationClient(settings, context)
        self.client.http.observers.append(self._keep)
        self._call = self.client.call
        self.client.call = self._recording_call  # type: ignore[method-assign]
        self._current: Exchange | None = None

    def ask(self, *people: Identity) -> Exchange:
        exchange = self._current = Exchange()
        try:
            exchange.residents = self.client.residents(people)
        except UpstreamError as exc:
            exchange.error = exc
        finally:
            self._current = None
        return exchange

    def _recording_call(self, operation: str, **arguments: Any) -> Reply:
        reply = self._call(operation, **arguments)
        if self._current is not None:
            self._current.reply = reply
        return reply

    def _keep(self, exchange: HttpExchange) -> None:
        if self._current is not None and exchange.received is not None:
            self._current.sent, self._current.received = exchange.sent, exchange.received


@pytest.fixture(scope="session")
def population(target: Target) -> Probe:
    return Probe(target)


@pytest.fixture(scope="session")
def unknown_person() -> Identity:
    return parse_identity(UNKNOWN_PERSON)


@pytest.fixture(scope="session")
def family_data(target: Target) -> Family | None:
    if target.builtin_mocks:
        response = requests.get(f"{target.admin_url('population')}/dataset", timeout=10)
        response.raise_for_status()
        by_label = {r.get("label"): r["id"] for r in response.json()["residents"]}
        return Family(
            parse_identity(by_label["adult-rules"]),
            parse_identity(by_label["child-12"]),
            parse_identity(by_label["child-protected"]),
            "the built-in mocks' default dataset",
        )
    guardian = os.environ.get(GUARDIAN_ENV, "").strip()
    child = os.environ.get(CHILD_ENV, "").strip()
    protected = os.environ.get(PROTECTED_ENV, "").strip()
    if not guardian or not child:
        return None
    try:  # its messages never repeat the number
        return Family(
            parse_identity(guardian),
            parse_identity(child),
            parse_identity(protected) if protected else None,
            f"{GUARDIAN_ENV}, {CHILD_ENV}",
        )
    except InvalidIdentityNumber as exc:
        pytest.fail(f"{GUARDIAN_ENV} / {CHILD_ENV} / {PROTECTED_ENV}: {exc}", pytrace=False)


@pytest.fixture
def family(family_data: Family | None) -> Family:
    if family_data is None:
        pytest.skip(NO_DATA)
    return family_data
