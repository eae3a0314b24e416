"""What a contract suite runs against, handed from the runner to the suites.

The runner builds a Target and passes a TargetPlugin to pytest.main; the suites read it from
the `target` fixture. Only what the suites need is kept here (no secrets from the settings), so a
Target can appear in a failure report as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import pytest

from gateway.upstreams.settings import UpstreamSettings

if TYPE_CHECKING:
    from gateway.upstreams.http import Observer, UpstreamContext, UpstreamMetrics

TARGET_KEY = pytest.StashKey["Target"]()


@dataclass(frozen=True)
class Target:
    name: str  # "mocks" or the settings file, for reports
    # The upstreams under test, as the gateway uses them: endpoint, LogicalAddress, timeouts.
    upstreams: Mapping[str, UpstreamSettings]
    consumer_hsa_id: str  # sent as x-rivta-original-serviceconsumer-hsaid
    today: date  # the gateway's 'today' (ETJANST_TODAY pins it for the mocks and the suite)
    services: Mapping[str, frozenset[str]]  # the unit registry: each unit's e-services
    mocks_url: str | None = None  # the built-in mocks' base URL; None for a real producer
    producer_data: Path | None = None  # a producer suite's test data for a real producer
    # the contracts the gateway produces under test (contracts/produced.py): name -> endpoint
    produced: Mapping[str, str] = field(default_factory=dict)
    # what sees every exchange of the clients the suites build (the contract report's tap)
    observers: tuple[Observer, ...] = ()

    @property
    def builtin_mocks(self) -> bool:
        return self.mocks_url is not None

    def upstream(self, name: str) -> UpstreamSettings:
        """The upstream's settings; the test is skipped when this run does not target it."""
        found = self.upstreams.get(name)
        if found is None:
            pytest.skip(f"this run does not target {name} (no upstreams.{name}.url)")
        return found

    def context(self, metrics: UpstreamMetrics | None = None) -> UpstreamContext:
        """What the suites build the gateway's clients with: this target's consumer HSA-id, the
        run's observers, and metrics of their own unless a suite reads them."""
        # here, not at the top: the CLI imports this module before `etjanst up` has chosen
        # prometheus-client's multiprocess mode
        from prometheus_client import CollectorRegistry

        from gateway.upstreams.http import UpstreamContext, UpstreamMetrics

        metrics = metrics or UpstreamMetrics(CollectorRegistry())
        return UpstreamContext(self.consumer_hsa_id, metrics, self.observers)

    def units_offering(self, service: str) -> tuple[str, ...]:
        return tuple(unit for unit, offered in self.services.items() if service in offered)

    def admin_url(self, mock: str) -> str:
        """A built-in mock's admin API (only the built-in mocks have one)."""
        if self.mocks_url is None:
            raise ValueError("a real producer has no admin API")
        return f"{self.mocks_url}/mocks/{mock}/_admin"


class TargetPlugin:
    """A pytest plugin object: pytest.main(args, plugins=[TargetPlugin(target)])."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[TARGET_KEY] = self.target


def without_credentials(url: str) -> str:
    """A URL fit for a report: any user and password left out."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))
