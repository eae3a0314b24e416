"""Over real HTTP, a request built from its plan goes out exactly as zeep sends it: the same
envelope, SOAPAction, Content-Type and RIV-TA headers, and the mock answers both alike."""

from __future__ import annotations

import pytest
import requests
from prometheus_client import CollectorRegistry

from contracts.frikort import UPSTREAM
from etjanst.server import with_builtin_upstreams
from gateway.domain.identity import parse_identity
from gateway.settings import Settings
from gateway.upstreams import soap
from gateway.upstreams.frikort import FrikortClient
from gateway.upstreams.http import Exchange, UpstreamContext, UpstreamMetrics


@pytest.fixture(scope="module")
def free_card_patient(base_url: str, http: requests.Session) -> str:
    found = http.get(f"{base_url}{UPSTREAM.mock_path}/_admin/patients", timeout=10).json()
    return next(p["id"] for p in found["patients"] if p["label"] == "free-card")


def sent_by(settings: Settings, base_url: str, patient: str) -> tuple[Exchange, object]:
    seen: list[Exchange] = []
    metrics = UpstreamMetrics(CollectorRegistry())
    context = UpstreamContext("SE2321000057-CONS", metrics, (seen.append,))
    configured = with_builtin_upstreams(settings, base_url).upstream(UPSTREAM.name)
    client = FrikortClient(configured, context)
    answer = client.card_for_person(parse_identity(patient))
    return seen[0], answer


def test_a_planned_request_is_what_zeep_sends(
    settings: Settings, base_url: str, free_card_patient: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = free_card_patient
    planned, planned_answer = sent_by(settings, base_url, patient)
    monkeypatch.setattr(soap.RivRequest, "compile", classmethod(lambda cls, operation: None))
    by_zeep, zeep_answer = sent_by(settings, base_url, patient)
    assert planned.sent.body == by_zeep.sent.body
    assert dict(planned.sent.headers) == dict(by_zeep.sent.headers)
    assert planned.received is not None and by_zeep.received is not None
    assert planned.received.status_code == by_zeep.received.status_code == 200
    assert planned_answer == zeep_answer
