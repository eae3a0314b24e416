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
from gateway.debug.journal import DebugJournal
from gateway.domain.outpatient_fees import FreeAges
from gateway.domain.units import Unit
from gateway.services.casework import Casework
from gateway.services.eligibility import Eligibility
from gateway.services.guardianship import Guardianship
from gateway.services.high_cost_outpatient import HighCostOutpatient
from gateway.services.high_cost_pharmaceuticals import HighCostPharmaceuticals
from gateway.services.listing import ListingService
from gateway.services.prescriptions import Prescriptions
from gateway.services.renew_prescription import RenewPrescription
from gateway.services.slot_ids import SlotIds
from gateway.services.web_booking import WebBookingService
from gateway.settings import Settings
from gateway.upstreams.cosmic import CosmicClient
from gateway.upstreams.ehm_hkdb import HkdbClient
from gateway.upstreams.ehm_nll import NllClient
from gateway.upstreams.frikort import FrikortClient
from gateway.upstreams.http import UpstreamClient, UpstreamContext, UpstreamMetrics
from gateway.upstreams.listing import ListingClient
from gateway.upstreams.population import PopulationClient

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
    high_cost_outpatient: HighCostOutpatient
    casework: Casework  # the catalogue, cases and idempotency keys in the gateway's database
    guardianship: Guardianship  # who may act for whom (act_for), GET /v1/me
    prescriptions: Prescriptions
    high_cost_pharmaceuticals: HighCostPharmaceuticals
    listing: ListingService
    web_booking: WebBookingService
    debug: DebugJournal | None  # the /_debug journal, only when debug.enabled

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        registry = CollectorRegistry()
        context = UpstreamContext(settings.consumer_hsa_id, UpstreamMetrics(registry))
        upstreams = {
            upstream.name: resolve(upstream.client)(settings.upstream(upstream.name), context)
            for upstream in UPSTREAMS
        }
        units, groups = settings.unit_registry(), settings.unit_groups()
        renew_prescription = RenewPrescription(
            groups, _typed(upstreams["cosmic"], CosmicClient), settings.today_date
        )
        guardianship = Guardianship(
            _typed(upstreams["population"], PopulationClient),
            settings.auth.guardianship,
            settings.auth.guardianship_cache_s,
            settings.today_date,
        )
        listing = ListingService(_typed(upstreams["listing"], ListingClient))
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
            renew_prescription=renew_prescription,
            high_cost_outpatient=HighCostOutpatient(
                _typed(upstreams["frikort"], FrikortClient),
                FreeAges(
                    settings.outpatient_fees.exempt_under_age,
                    settings.outpatient_fees.exempt_from_age,
                ),
                settings.outpatient_fees.region,
                settings.today_date,
            ),
            casework=Casework.build(
                settings,
                renew_prescription,
                Eligibility(listing, guardianship, settings.today_date),
            ),
            guardianship=guardianship,
            prescriptions=Prescriptions(
                _typed(upstreams["ehm_nll"], NllClient), settings.today_date
            ),
            high_cost_pharmaceuticals=HighCostPharmaceuticals(
                _typed(upstreams["ehm_hkdb"], HkdbClient)
            ),
            listing=listing,
            web_booking=WebBookingService(
                _typed(upstreams["cosmic"], CosmicClient),
                SlotIds(settings.booking.slot_secret or settings.auth.hs256_secret or ""),
                settings.now_moment,
            ),
            debug=DebugJournal.open(settings.store.database_url(), settings.debug.max_entries)
            if settings.debug.enabled
            else None,
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
