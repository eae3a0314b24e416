"""A producer of eservicesupply:eoffering GetAvailableEServices 1.0 against the contract:
answers valid against the responder schema, one per facility asked about, each e-service
described and restricted by the contract's model, and soap:Client faults for what the contract
refuses."""

from __future__ import annotations

import re

import pytest
import requests
from lxml import etree
from lxml.builder import ElementMaker

from contracts.eoffering import CORE_NS, RESPONDER_NS
from contracts.riv import REGISTRY_NS, SOAP_ENV, EnvelopeError, read_envelope
from contracts.suites.producer.get_available_eservices.conftest import Ask

SOAP = ElementMaker(namespace=SOAP_ENV, nsmap={"soap": SOAP_ENV})
EO = ElementMaker(namespace=RESPONDER_NS, nsmap={"eo": RESPONDER_NS})
RIV = ElementMaker(namespace=REGISTRY_NS)
E, C = f"{{{RESPONDER_NS}}}", f"{{{CORE_NS}}}"
COUNTY_CODE = re.compile(r"^(0[1-9]|1[0-9]|2[0-5])$")  # the län codes


def envelope(*payload: etree._Element, logical_address: str | None = "SE2321000057") -> bytes:
    header = SOAP.Header(RIV.LogicalAddress(logical_address)) if logical_address else None
    parts = [header] if header is not None else []
    return etree.tostring(SOAP.Envelope(*parts, SOAP.Body(*payload)))


def request(*facilities: str) -> etree._Element:
    return EO.GetAvailableEServices(*(EO.healthcare_facility(f) for f in facilities))


def answer_of(response: requests.Response, schema: etree.XMLSchema) -> etree._Element:
    assert response.status_code == 200, f"HTTP {response.status_code}: {response.text[:500]}"
    payload = read_envelope(response.content).payload
    assert payload.tag == f"{E}GetAvailableEServicesResponse", payload.tag
    schema.assertValid(payload)
    return payload


def assert_client_fault(response: requests.Response) -> None:
    """SOAP 1.1 over HTTP: status 500 and a Fault whose code is the client's."""
    assert response.status_code == 500, f"HTTP {response.status_code}: {response.text[:500]}"
    try:
        payload = read_envelope(response.content).payload
    except EnvelopeError as exc:
        pytest.fail(f"the fault is no SOAP envelope: {exc}")
    assert payload.tag == f"{{{SOAP_ENV}}}Fault", payload.tag
    code = (payload.findtext("faultcode") or "").strip()
    assert code.rsplit(":", 1)[-1] == "Client", f"faultcode {code!r}"
    assert (payload.findtext("faultstring") or "").strip(), "a fault says why"


def test_the_answer_is_valid_against_the_contract(ask: Ask, facilities, schema) -> None:
    answer_of(ask(envelope(request(*facilities))), schema)


def test_one_answer_per_facility_asked_about(ask: Ask, facilities, schema) -> None:
    answer = answer_of(ask(envelope(request(*facilities))), schema)
    answered = [
        (a.findtext(f"{E}healthcare_facility/{C}healthcare_facility") or "").strip()
        for a in answer.iterfind(f"{E}availableEServices")
    ]
    assert sorted(answered) == facilities
    one = answer_of(ask(envelope(request(facilities[0]))), schema)
    assert len(one.findall(f"{E}availableEServices")) == 1


def test_each_eservice_is_described_and_restricted(ask: Ask, facilities, schema) -> None:
    answer = answer_of(ask(envelope(request(*facilities))), schema)
    for offered in answer.iterfind(f"{E}availableEServices"):
        ids = []
        for eservice in offered.iterfind(f"{E}eservice"):
            ids.append((eservice.findtext(f"{C}resourceId") or "").strip())
            assert (eservice.findtext(f"{C}commonName") or "").strip(), "an e-service has a name"
            restrictions = eservice.find(f"{C}restrictions")
            if restrictions is None:
                continue
            ages = [restrictions.findtext(f"{C}{tag}") for tag in ("ageMin", "ageMax")]
            low, high = (int(age) if age is not None else None for age in ages)
            assert all(0 <= age <= 150 for age in (low, high) if age is not None), ages
            assert low is None or high is None or low <= high, f"ageMin {low} > ageMax {high}"
            for county in restrictions.iterfind(f"{C}eserviceAreaCode/{C}countycode"):
                assert COUNTY_CODE.fullmatch((county.text or "").strip()), county.text
        assert all(ids) and len(ids) == len(set(ids)), f"resourceIds unique and given: {ids}"


def test_a_request_without_facilities_is_a_client_fault(ask: Ask) -> None:
    assert_client_fault(ask(envelope(request())))


def test_a_request_without_logical_address_is_a_client_fault(ask: Ask, facilities) -> None:
    assert_client_fault(ask(envelope(request(facilities[0]), logical_address=None)))


def test_an_element_the_contract_does_not_know_is_a_client_fault(ask: Ask, facilities) -> None:
    asked = request(facilities[0])
    asked.append(EO.careUnitHSAId(facilities[0]))  # the responder namespace has no such element
    assert_client_fault(ask(envelope(asked)))


def test_a_body_that_is_not_xml_is_a_client_fault(ask: Ask) -> None:
    assert_client_fault(ask(b"<soap:Envelope xmlns:soap='" + SOAP_ENV.encode() + b"'><soap:Bo"))
