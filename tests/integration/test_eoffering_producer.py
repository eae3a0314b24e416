"""The gateway as producer of eservicesupply:eoffering GetAvailableEServices over real HTTP:
the catalogue a unit offers with the contract's restrictions, a paused service absent, invalid
requests as soap:Client faults, and a consumer built from our WSDL (zeep)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import zeep
from lxml import etree
from zeep.transports import Transport

from contracts.eoffering import CORE_NS, ENDPOINT, RESPONDER_NS, RESPONDER_XSD, SOAP_ACTION
from contracts.riv import SAFE_PARSER, SOAP_ENV, read_envelope
from tests.conftest import TENHULT
from tests.integration.conftest import BRA_LIV, staff_token

NS = {"eo": RESPONDER_NS, "core": CORE_NS, "soap": SOAP_ENV}
CENTRAL_ADMIN = staff_token("central-admin", unit=BRA_LIV, person="SE2321000057-9001")
LOCAL_ADMIN = staff_token("local-admin")
CPAP = {
    "name": "Reservdel till CPAP",
    "description": "Beställ en reservdel till din CPAP.",
    "questions": [{"id": "part", "label": "Vilken del?", "type": "text", "required": True}],
    "restrictions": {
        "minAge": 18,
        "maxAge": 99,
        "listingRequired": True,
        "referralRequired": True,
        "area": ["06"],
    },
}
CPAP_PATH = f"/v1/admin/units/{TENHULT}/local-types/cpap-spare-part"


def request_body(*facilities: str, logical_address: str = TENHULT) -> bytes:
    asked = "".join(f"<eo:healthcare_facility>{f}</eo:healthcare_facility>" for f in facilities)
    return (
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:eo="{RESPONDER_NS}">'
        '<soap:Header><LogicalAddress xmlns="urn:riv:itintegration:registry:1">'
        f"{logical_address}</LogicalAddress></soap:Header>"
        f"<soap:Body><eo:GetAvailableEServices>{asked}</eo:GetAvailableEServices></soap:Body>"
        "</soap:Envelope>"
    ).encode()


@pytest.fixture
def ask(base_url: str, http: requests.Session):
    def post(body: bytes) -> requests.Response:
        headers = {"SOAPAction": f'"{SOAP_ACTION}"', "Content-Type": "text/xml; charset=utf-8"}
        return http.post(base_url + ENDPOINT, data=body, headers=headers, timeout=60)

    return post


@pytest.fixture
def cpap_at_tenhult(staff) -> Iterator[None]:
    staff("PUT", CPAP_PATH, LOCAL_ADMIN, json=CPAP).raise_for_status()
    yield
    staff("DELETE", CPAP_PATH, LOCAL_ADMIN)


def answer_of(response: requests.Response) -> etree._Element:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    payload = read_envelope(response.content).payload
    schema = etree.XMLSchema(etree.parse(str(RESPONDER_XSD), SAFE_PARSER))
    assert schema.validate(payload), schema.error_log
    return payload


def eservices(answer: etree._Element, unit: str) -> dict[str, etree._Element]:
    (available,) = answer.xpath(
        "eo:availableEServices[eo:healthcare_facility/core:healthcare_facility=$unit]",
        namespaces=NS,
        unit=unit,
    )
    found = available.xpath("eo:eservice", namespaces=NS)
    return {e.findtext("core:resourceId", namespaces=NS): e for e in found}


def test_a_unit_lists_its_offered_eservices_with_their_restrictions(
    ask, base_url, http, cpap_at_tenhult
) -> None:
    answer = answer_of(ask(request_body(TENHULT, BRA_LIV)))
    offered = eservices(answer, TENHULT)
    citizen_view = http.get(f"{base_url}/v1/units/{TENHULT}/e-services", timeout=30).json()
    assert list(offered) == [t["id"] for t in citizen_view["eServices"]]  # the same catalogue
    cpap = offered["cpap-spare-part"]
    assert cpap.findtext("core:commonName", namespaces=NS) == "Reservdel till CPAP"
    restrictions = {
        etree.QName(e).localname: e.text
        for e in cpap.find("core:restrictions", NS).iter()
        if e.text and e.text.strip()
    }
    assert restrictions == {
        "countycode": "06",
        "listing": "true",
        "referal": "true",
        "ageMin": "18",
        "ageMax": "99",
    }
    plain = offered["send-message"].find("core:restrictions", NS)
    assert [etree.QName(e).localname for e in plain] == ["listing", "referal"]
    assert plain.findtext("core:listing", namespaces=NS) == "false"
    assert "cpap-spare-part" not in eservices(answer, BRA_LIV)  # a local type stays local


def test_a_paused_service_is_absent(ask, staff) -> None:
    state = f"/v1/admin/units/{TENHULT}/e-services/self-referral/state"
    assert "self-referral" in eservices(answer_of(ask(request_body(TENHULT))), TENHULT)
    staff("PUT", state, CENTRAL_ADMIN, json={"state": "paused"}).raise_for_status()
    try:
        answer = answer_of(ask(request_body(TENHULT, BRA_LIV)))
        assert "self-referral" not in eservices(answer, TENHULT)
        assert "self-referral" in eservices(answer, BRA_LIV)
    finally:
        staff("PUT", state, CENTRAL_ADMIN, json={"state": "active"}).raise_for_status()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (request_body(), "healthcare_facility"),  # the contract needs at least one
        (request_body("SE2321000057-NOPE"), "no unit SE2321000057-NOPE"),
        (request_body("19121212-1212"), "19121212****"),  # masked, never echoed
        (request_body(TENHULT, logical_address=""), "LogicalAddress"),
        (b"<not-soap/>", "not a SOAP 1.1 Envelope"),
        (
            request_body(TENHULT).replace(b"GetAvailableEServices>", b"GetEServices>"),
            "is not {urn:riv:eservicesupply:eoffering:GetAvailableEServicesResponder:1}",
        ),
    ],
)
def test_an_invalid_request_is_a_client_fault(ask, body: bytes, says: str) -> None:
    response = ask(body)
    assert response.status_code == 500
    fault = read_envelope(response.content)
    assert fault.is_fault
    assert fault.payload.findtext("faultcode") == "soap:Client"
    text = fault.payload.findtext("faultstring")
    assert says in text
    assert "19121212-1212" not in text and "191212121212" not in text


def test_zeep_builds_a_request_from_our_wsdl_and_reads_the_answer(
    base_url, http, cpap_at_tenhult
) -> None:
    client = zeep.Client(
        f"{base_url}{ENDPOINT}?wsdl",
        transport=Transport(session=http, timeout=60, operation_timeout=60),
        settings=zeep.Settings(strict=False),
    )
    answer = client.service.GetAvailableEServices(
        healthcare_facility=[TENHULT], _soapheaders={"LogicalAddress": TENHULT}
    )
    (available,) = answer.availableEServices
    assert available.healthcare_facility.healthcare_facility == TENHULT
    cpap = next(e for e in available.eservice if e.resourceId == "cpap-spare-part")
    assert cpap.restrictions.ageMin == 18 and cpap.restrictions.listing is True
    assert cpap.restrictions.eserviceAreaCode.countycode == ["06"]
