"""How an upstream is declared: once, in `contracts/<name>/__init__.py`, and listed in
`contracts/registry.py`. Settings, the gateway's clients and readiness, the built-in mocks,
`GET /mocks/`, the contract runner and the test helpers are all derived from these declarations.

The gateway and the mocks never import each other, so the declaration names the client and the
mock as "module:attribute" references, resolved by whichever side needs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Literal


@dataclass(frozen=True)
class Interaction:
    """One operation of the contract and where it lives under the upstream's base URL (in
    RIV-TA each interaction has its own endpoint, e.g. `GetMedicationHistory/2/rivtabp21`)."""

    operation: str
    path: str
    # "gateway.upstreams.<module>:<function>": how `etjanst call` makes this call with the
    # gateway's client, `function(client, CallInput)` returning the client's normalised
    # result; None: the gateway's client has no method for this operation
    call: str | None = None


@dataclass(frozen=True)
class Upstream:
    name: str  # settings key (`upstreams.<name>`), and the mock's URL segment (`/mocks/<name>/`)
    title: str  # for people: what the upstream is and which contract it speaks
    protocol: Literal["soap", "rest"]
    interactions: tuple[Interaction, ...]
    client: str  # "gateway.upstreams.<module>:<Client>": built from settings once per process
    mock: str  # "mocks.<name>.mock:<Mock>": the built-in, offline producer
    logical_address: str | None = None  # default RIV-TA LogicalAddress (SOAP upstreams)
    suite: str | None = None  # the consumer contract suite's folder under contracts/suites/
    # "gateway.upstreams.<module>:<Model>": a subclass of the common UpstreamSettings adding the
    # upstream's own keys under `upstreams.<name>`; None: the common scheme alone
    settings: str | None = None
    # The contract owners' producer test suite, our implementation: a folder under
    # contracts/suites/ (e.g. "producer/get_medication_history"), shared by every upstream
    # that produces the same contract.
    producer_suite: str | None = None

    @property
    def mock_path(self) -> str:
        """Where the built-in mock lives on an `etjanst up` or `etjanst mocks` server: the base
        its interactions' paths hang under."""
        return f"/mocks/{self.name}"

    def interaction(self, operation: str) -> Interaction:
        for interaction in self.interactions:
            if interaction.operation == operation:
                return interaction
        raise KeyError(f"{self.name} has no operation {operation}")

    def endpoint(self, url: str, operation: str, overrides: Mapping[str, str] | None = None) -> str:
        """Where `operation` is called: its override, else its path under the base `url`.

        A `url` that is already one interaction's full endpoint (how single-interaction
        upstreams were configured) counts as the base it ends in."""
        if overrides and operation in overrides:
            return overrides[operation]
        base = url.rstrip("/")
        for other in self.interactions:
            if base.endswith("/" + other.path):
                base = base[: -len(other.path) - 1]
                break
        return f"{base}/{self.interaction(operation).path}"


def resolve(reference: str) -> Any:
    """`"package.module:attribute"` -> the attribute (imported on first use)."""
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)
