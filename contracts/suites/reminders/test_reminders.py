"""Consumer suite of the reminders upstream: what the gateway's client relies on."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from contracts.suites.target import Target
from gateway.domain.identity import parse_identity
from gateway.upstreams.http import UpstreamContext, UpstreamMetrics
from gateway.upstreams.reminders import RemindersClient


def test_a_created_reminder_is_found(target: Target) -> None:
    context = UpstreamContext(target.consumer_hsa_id, UpstreamMetrics(CollectorRegistry()))
    client = RemindersClient(target.upstream("reminders"), context)
    patient = parse_identity("191212121212")
    before = client.reminders(patient)
    client.remind(patient, "Contract check")
    assert client.reminders(patient) == [*before, "Contract check"]
