"""What the gateway builds once per process (settings, token verifier, metrics, one client per
upstream, the e-services) and the typed way a request reaches it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app
from prometheus_client import CollectorRegistry, Counter

from contracts.registry import UPSTREAMS
from contracts.upstream import resolve
from gateway.auth import TokenVerifier
from gateway.domain.units import Unit
from gateway.idempotency import IdempotencyStore
from gateway.services.renew_prescription import RenewPrescription
from gateway.services.slot_ids import SlotIds
from gateway.services.web_booking import WebBookingService
from gateway.settings import Settings
from gateway.upstreams.http import UpstreamClient, UpstreamContext, UpstreamMetrics

_KEY = "etjanst"
C = TypeVar("C")


@dataclass
class Runtime:
    settings: Settings
    tokens: TokenVerifier
    registry: CollectorRegistry
    requests_total: Counter
    units: dict[str, Unit]  # the unit registry by canonical HSA-id
    groups: dict[str, frozenset[str]]  # each linked unit's group
    upstreams: dict[str, UpstreamClient]  # one client per registered upstream, by name
    renew_prescription: RenewPrescription
    web_booking: WebBookingService

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        registry = CollectorRegistry()
        context = UpstreamContext(settings.consumer_hsa_id, UpstreamMetrics(registry))
        upstreams = {
            upstream.name: resolve(upstream.client)(settings.upstream(upstream.name), context)
            for upstream in UPSTREAMS
        }
        units, groups = settings.unit_registry(), settings.unit_groups()
        return cls(
            settings=settings,
            tokens=TokenVerifier(settings.auth),
            registry=registry,
            requests_total=Counter(
                "etjanst_requests_total",
                "Gateway requests",
                ["endpoint", "status"],
                registry=registry,
            ),
            units=units,
            groups=groups,
            upstreams=upstreams,
            renew_prescription=RenewPrescription(groups, upstreams["cosmic"], settings.today_date),
            web_booking=WebBookingService(
                upstreams["cosmic"],
                SlotIds(settings.booking.slot_secret or settings.auth.hs256_secret or ""),
                IdempotencyStore(settings.booking.idempotency_db),
                settings.now_moment,
            ),
        )

    def install(self, app: Flask) -> None:
        app.extensions[_KEY] = self

    def endpoints(self) -> dict[str, dict[str, str]]:
        """Where each upstream's operations are called (for /readyz)."""
        return {name: client.http.endpoints() for name, client in self.upstreams.items()}


def _typed(client: UpstreamClient, kind: type[C]) -> C:
    if not isinstance(client, kind):
        raise TypeError(f"{type(client).__name__} is not a {kind.__name__}")
    return client


def runtime() -> Runtime:
    """The runtime of the app handling the current request."""
    found: Runtime = current_app.extensions[_KEY]
    return found
