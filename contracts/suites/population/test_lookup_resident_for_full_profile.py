"""What the gateway relies on from a LookupResidentForFullProfile 1.1 producer (RIVTABP21):
the proxy rules (custody today, protected identity) and the names it shows.

Written once, run against the built-in mocks or a real register (see conftest.py for test data).
Drift (elements our contract does not know) is reported, never failed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from lxml import etree

from contracts.population import RESPONDER_NS, RESPONDER_XSD, SOAP_ACTION
from contracts.privacy import mask_text
from contracts.riv import SAFE_PARSER, SOAP_ENV
from contracts.suites.drift import report_drift
from contracts.suites.population.conftest import PROTECTED_ENV, Family, Probe
from contracts.suites.target import Target
from gateway.domain.guardianship import has_custody
from gateway.domain.identity import Identity


def test_answer_is_a_soap_envelope_valid_against_our_schema(
    population: Probe, unknown_person: Identity
) -> None:
    exchange = population.ask(unknown_person)
    received = exchange.received
    assert received is not None, f"no answer: {exchange.error}"
    assert received.status_code == 200, f"HTTP {received.status_code}"
    media_type = received.headers.get("Content-Type", "").split(";")[0].strip()
    assert media_type == "text/xml", "SOAP 1.1 answers are text/xml"
    document = etree.fromstring(received.content, SAFE_PARSER)
    payloads = [c for c in document.find(f"{{{SOAP_ENV}}}Body") if isinstance(c.tag, str)]
    assert [p.tag for p in payloads] == [f"{{{RESPONDER_NS}}}LookupResidentForFullProfileResponse"]
    schema = etree.XMLSchema(etree.parse(str(RESPONDER_XSD), SAFE_PARSER))
    errors = [] if schema.validate(payloads[0]) else list(schema.error_log)
    assert not errors, "the answer breaks our responder XSD:\n" + "\n".join(
        mask_text(f"line {e.line}: {e.message}") for e in errors[:20]
    )


def test_a_person_the_register_does_not_know_gets_no_resident(
    population: Probe, unknown_person: Identity
) -> None:
    """The gateway reads absence as 'unknown', which never grants custody."""
    exchange = population.ask(unknown_person)
    assert exchange.error is None, exchange.error
    assert exchange.residents == {}


def test_everyone_asked_about_in_one_call_comes_back(population: Probe, family: Family) -> None:
    exchange = population.ask(family.guardian, family.child)
    assert exchange.error is None, exchange.error
    assert exchange.residents is not None
    assert set(exchange.residents) == {family.guardian.number, family.child.number}, family.source


def test_custody_today_is_readable(population: Probe, family: Family, target: Target) -> None:
    residents = population.ask(family.guardian, family.child).residents or {}
    assert has_custody(family.guardian.number, family.child.number, residents, target.today), (
        f"no custody relation (V/VF) in force today between the test guardian and child "
        f"({family.source})"
    )


def test_a_resident_without_protected_identity_has_a_name(
    population: Probe, family: Family
) -> None:
    resident = (population.ask(family.guardian).residents or {})[family.guardian.number]
    assert not resident.protected
    assert resident.name is not None and resident.name.display(), "no Namn to show"


def test_protected_identity_is_flagged(population: Probe, family: Family) -> None:
    if family.protected is None:
        pytest.skip(f"set {PROTECTED_ENV} to check protected identity")
    resident = (population.ask(family.protected).residents or {})[family.protected.number]
    assert resident.protected, "Sekretessmarkering is not J"


def test_a_request_without_logical_address_is_refused_with_a_fault(population: Probe) -> None:
    envelope = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:r="{RESPONDER_NS}">'
        "<soapenv:Header/><soapenv:Body><r:LookupResidentForFullProfile>"
        "<r:personId>190001019903</r:personId><r:lookUpSpecification/>"
        "</r:LookupResidentForFullProfile></soapenv:Body></soapenv:Envelope>"
    )
    response = requests.post(
        population.client.http.endpoint("LookupResidentForFullProfile"),
        data=envelope.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION}"'},
        timeout=30,
    )
    assert response.status_code == 500
    document = etree.fromstring(response.content, SAFE_PARSER)
    assert document.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault") is not None


def test_drift_is_reported_not_failed(
    population: Probe,
    family_data: Family | None,
    unknown_person: Identity,
    record_property: Callable[[str, object], None],
) -> None:
    """What the gateway logs as drift lands in the JUnit XML (property `drift`) and as a
    warning; the test fails only when the gateway could not use the answer."""
    exchange = population.ask(family_data.guardian if family_data else unknown_person)
    report_drift(record_property, exchange.reply.drift if exchange.reply else [])
    assert exchange.error is None, f"the gateway could not use the answer: {exchange.error}"
