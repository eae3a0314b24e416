"""GetMedicationHistory's request is built with lxml instead of zeep (send_payload). It must be
what zeep builds from our WSDL for the same arguments: the same envelope, LogicalAddress,
payload, SOAPAction and RIV-TA headers; valid against the responder XSD; accepted by the mock."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lxml import etree
from prometheus_client import CollectorRegistry

from contracts.cosmic import OPERATION, RESPONDER_XSD
from contracts.riv import SAFE_PARSER
from etjanst.server import with_builtin_upstreams
from gateway.context import correlation_id
from gateway.domain.identity import parse_identity
from gateway.settings import Settings
from gateway.upstreams.cosmic import CosmicClient, medication_history_request
from gateway.upstreams.http import Exchange, UpstreamContext, UpstreamMetrics

UNITS = ["SE2321000057-5VTN", "SE2321000057-7P8R"]


def tree(element: etree._Element) -> Any:
    """Tags, texts and children in order: what a producer reads (prefixes aside)."""
    return (element.tag, (element.text or "").strip(), [tree(c) for c in element])


@pytest.fixture
def client(settings: Settings, base_url: str) -> CosmicClient:
    upstreams = with_builtin_upstreams(settings, base_url).upstreams
    context = UpstreamContext("SE2321000057-GW01", UpstreamMetrics(CollectorRegistry()))
    return CosmicClient(upstreams.cosmic, context)


def sent_by(client: CosmicClient, send: Any) -> Exchange:
    seen: list[Exchange] = []
    client.http.observers.append(seen.append)
    token = correlation_id.set("etjanst-test-envelope")
    try:
        send()
    finally:
        correlation_id.reset(token)
        client.http.observers.remove(seen.append)
    (exchange,) = seen
    assert exchange.received is not None and exchange.received.status_code == 200
    return exchange


@pytest.mark.parametrize("units", [UNITS[:1], UNITS, []])
def test_the_request_is_the_one_zeep_builds(
    client: CosmicClient, patients: dict[str, str], units: list[str]
) -> None:
    patient = parse_identity(patients["adult-rules"])
    start, end = date(2021, 11, 25), date(2026, 11, 25)
    ours = sent_by(client, lambda: client.medication_history(patient, units, start, end))
    zeeps = sent_by(
        client,
        lambda: client.call(
            OPERATION,
            careUnitHSAId=sorted(units),
            patientId={"id": patient.number, "type": patient.kind.value},
            datePeriod={"start": f"{start:%Y%m%d}", "end": f"{end:%Y%m%d}"},
        ),
    )
    assert ours.sent.url == zeeps.sent.url
    assert dict(ours.sent.headers) == dict(zeeps.sent.headers)
    assert ours.sent.headers["x-skltp-correlation-id"] == "etjanst-test-envelope"
    assert ours.sent.body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    mine, theirs = (etree.fromstring(e.sent.body, SAFE_PARSER) for e in (ours, zeeps))
    assert tree(mine) == tree(theirs)


def test_the_payload_is_valid_against_the_responder_xsd(patients: dict[str, str]) -> None:
    schema = etree.XMLSchema(etree.parse(str(RESPONDER_XSD), SAFE_PARSER))
    patient = parse_identity(patients["adult-rules"])
    payload = medication_history_request(patient, UNITS, date(2021, 1, 1), date(2026, 1, 1))
    assert schema.validate(payload), schema.error_log
