"""A SOAP mock reads and validates a request's bytes once per thread and remembers the verdict
(mocks/kit/soap.py ValidRequests): the same request sent again still gets every answer and
every refusal it got the first time. In process (werkzeug's test client), so that every request
runs on this one thread and meets what it remembered."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import zeep
from lxml import etree
from werkzeug.test import Client, TestResponse

from contracts.cosmic import SOAP_ACTION
from contracts.riv import read_envelope
from etjanst.server import mocks_only_app
from gateway.settings import Settings
from mocks.kit.soap import ValidRequests
from tests.conftest import COSMIC_ENDPOINT, PNR_OID

PATIENT = "196804152384"
HEADERS = {"SOAPAction": f'"{SOAP_ACTION}"', "Content-Type": "text/xml; charset=utf-8"}


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Client:
    return Client(mocks_only_app(settings, tmp_path))


def post(client: Client, body: bytes, **headers: str) -> TestResponse:
    return client.post(COSMIC_ENDPOINT, data=body, headers={**HEADERS, **headers})


def request_body(cosmic_soap: zeep.Client) -> bytes:
    message = cosmic_soap.create_message(
        cosmic_soap.service,
        "GetMedicationHistory",
        _soapheaders={"LogicalAddress": "SE2321000057-7P8R"},
        patientId={"id": PATIENT, "type": PNR_OID},
    )
    return etree.tostring(message)


def fault_text(response: TestResponse) -> str:
    assert response.status_code == 500, response.text
    return etree.fromstring(response.data).findtext(".//faultstring") or ""


def test_a_remembered_request_is_still_refused_with_a_wrong_soap_action(
    client: Client, cosmic_soap: zeep.Client
) -> None:
    body = request_body(cosmic_soap)
    for _ in range(2):  # read, then remembered
        assert post(client, body).status_code == 200
    refused = post(client, body, SOAPAction='"urn:other:action"')
    assert fault_text(refused) == "SOAPAction urn:other:action does not match GetMedicationHistory"
    assert post(client, body).status_code == 200


def test_a_remembered_request_is_refused_at_another_operation_s_endpoint(
    client: Client, cosmic_soap: zeep.Client
) -> None:
    body = request_body(cosmic_soap)
    assert post(client, body).status_code == 200
    for _ in range(2):
        elsewhere = client.post(
            "/mocks/cosmic/GetAllTimeTypes/1/rivtabp21",
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        assert "unknown operation element" in fault_text(elsewhere)


def test_an_invalid_request_is_refused_every_time(client: Client, cosmic_soap: zeep.Client) -> None:
    body = request_body(cosmic_soap).replace(b"patientId>", b"patient>")
    texts = {fault_text(post(client, body)) for _ in range(3)}
    (text,) = texts
    assert text.startswith("the request violates the schema")


def test_few_and_small_requests_are_kept() -> None:
    kept = ValidRequests(size=2, max_bytes=10_000)
    bodies = [f"<a n='{n}'/>".encode() for n in range(3)]
    message = read_envelope(
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soap:Body><x/></soap:Body></soap:Envelope>"
    )
    for body in bodies:
        kept.put("Op", body, message)
    assert kept.get("Op", bodies[0]) is None  # the oldest went
    assert kept.get("Op", bodies[2]) is message and kept.get("Other", bodies[2]) is None
    large = b" " * 10_001
    kept.put("Op", large, message)
    assert kept.get("Op", large) is None


def test_each_thread_reads_only_what_it_remembered() -> None:
    kept = ValidRequests()
    message = read_envelope(
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soap:Body><x/></soap:Body></soap:Envelope>"
    )
    kept.put("Op", b"<a/>", message)
    seen: list[object] = []
    other = threading.Thread(target=lambda: seen.append(kept.get("Op", b"<a/>")))
    other.start()
    other.join(timeout=30)
    assert seen == [None] and kept.get("Op", b"<a/>") is message
