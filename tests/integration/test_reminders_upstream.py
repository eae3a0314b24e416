"""The throw-away reminders upstream over real HTTP: the gateway's REST client against its
mock, mutable state in the kit's store, and everything derived from the registry."""

from __future__ import annotations

import requests
from prometheus_client import CollectorRegistry

from gateway.domain.identity import parse_identity
from gateway.upstreams.http import UpstreamContext, UpstreamMetrics
from gateway.upstreams.reminders import RemindersClient
from gateway.upstreams.settings import UpstreamSettings


def test_derived_everywhere_and_stateful(base_url: str, http: requests.Session) -> None:
    index = http.get(f"{base_url}/mocks/", timeout=10).json()["mocks"]
    assert (
        index["reminders"]["endpoints"]["CreateReminder"] == f"{base_url}/mocks/reminders/Reminder"
    )
    ready = http.get(f"{base_url}/readyz", timeout=10).json()["upstreams"]
    assert ready["reminders"]["SearchReminders"] == f"{base_url}/mocks/reminders/Reminder"
    client = RemindersClient(
        UpstreamSettings(url=f"{base_url}/mocks/reminders"),
        UpstreamContext("SE1", UpstreamMetrics(CollectorRegistry())),
    )
    patient = parse_identity("191212121212")
    try:
        assert client.reminders(patient) == ["Vaccination after 2026-11-25"]
        assert client.remind(patient, "Blood test") == "191212121212-2"
        assert client.reminders(patient)[-1] == "Blood test"
        journal = http.get(f"{base_url}/mocks/reminders/_admin/journal", timeout=10).json()
        assert journal["exchanges"][-1]["request"]["method"] == "GET"
        assert "191212121212" not in str(journal)
    finally:
        http.post(f"{base_url}/mocks/reminders/_admin/reset", timeout=10)
    assert client.reminders(patient) == ["Vaccination after 2026-11-25"]
