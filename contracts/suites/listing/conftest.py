"""Fixtures of the carelisting suite: the gateway's ListingClient for the target, recording every
answer's drift, and a listed citizen to ask about.

Against the built-in mocks the citizen comes from the default dataset (label `listed`) through
the admin API. Against a real producer there is no admin API:

    ETJANST_CONTRACT_LISTING_PATIENT   the identity number of a citizen listed in the region

Without it the tests that need a listing are skipped, saying why; the others still run. No test
here changes a listing on a real producer: CreateListing is only sent for a facility that does
not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contracts.suites.patients import patient_for
from contracts.suites.target import Target
from gateway.domain.identity import Identity
from gateway.upstreams.listing import ListingClient
from gateway.upstreams.soap import Reply

PATIENT_ENV = "ETJANST_CONTRACT_LISTING_PATIENT"
NO_DATA = f"needs test data on a real producer: set {PATIENT_ENV} (a citizen listed there)"


class Probe:
    """The gateway's ListingClient, keeping the drift of every answer it reads."""

    def __init__(self, target: Target) -> None:
        settings = target.upstream("listing")
        context = target.context()
        self.client = ListingClient(settings, context)  # type: ignore[arg-type]
        self.drift: dict[str, list[str]] = {}
        self._call = self.client.call
        self.client.call = self._recording_call  # type: ignore[method-assign]

    def _recording_call(self, operation: str, **arguments: Any) -> Reply:
        reply = self._call(operation, **arguments)
        self.drift.setdefault(operation, []).extend(reply.drift)
        return reply


@pytest.fixture(scope="session")
def listing(target: Target) -> Iterator[Probe]:
    probe = Probe(target)
    yield probe
    probe.client.http.close()


@pytest.fixture(scope="session")
def listed_citizen(target: Target) -> Identity | None:
    return patient_for(target, "listing", "listed", PATIENT_ENV)


@pytest.fixture
def citizen(listed_citizen: Identity | None) -> Identity:
    if listed_citizen is None:
        pytest.skip(NO_DATA)
    return listed_citizen
