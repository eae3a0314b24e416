"""The listing mock as a producer, spoken to directly with envelopes zeep builds from the WSDL it
serves: routing by county, the actors CreateListing accepts, and requests it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import zeep
from lxml import etree

from contracts.listing import CREATE_LISTING, GET_LISTING, LISTING_TYPE_OID, UPSTREAM, Operation
from contracts.riv import PERSONNUMMER_OID

LISTED = "197205172385"  # label `listed`: at Tenhult, county 06 (TODAY of the tests)


@pytest.fixture
def send(base_url: str, http: requests.Session) -> Iterator[Any]:
    def call(operation: Operation, county: str | None, **arguments: Any) -> requests.Response:
        endpoint = f"{base_url}{UPSTREAM.mock_path}/{UPSTREAM.interaction(operation.name).path}"
        client = zeep.Client(f"{endpoint}?wsdl")  # the served WSDL and its XSDs
        headers = {"LogicalAddress": county} if county else {}
        message = client.create_message(
            client.service, operation.name, _soapheaders=headers, **arguments
        )
        return http.post(
            endpoint,
            data=etree.tostring(message),
            headers={"Content-Type": "text/xml", "SOAPAction": operation.soap_action},
            timeout=30,
        )

    yield call
    http.post(f"{base_url}{UPSTREAM.mock_path}/_admin/reset", timeout=30).raise_for_status()


def person(number: str = LISTED) -> dict[str, str]:
    return {"root": PERSONNUMMER_OID, "extension": number}


def listings(response: requests.Response) -> list[etree._Element]:
    return etree.fromstring(response.content).findall(f".//{{{GET_LISTING.responder_ns}}}listings")


def text(response: requests.Response, operation: Operation, name: str) -> list[str]:
    document = etree.fromstring(response.content)
    return [e.text for e in document.iter(f"{{{operation.responder_ns}}}{name}")]


def test_a_region_answers_only_for_the_listings_it_holds(send: Any) -> None:
    actor = {"actorId": person(), "actorType": "CITIZEN"}
    home = send(GET_LISTING, "06", actor=actor, personId=person())
    other = send(GET_LISTING, "07", actor=actor, personId=person())
    assert (home.status_code, other.status_code) == (200, 200)
    assert len(listings(home)) == 1
    assert listings(other) == []


def test_create_listing_accepts_only_citizen_and_guardian(send: Any) -> None:
    response = send(
        CREATE_LISTING,
        "06",
        actor={"actorId": person(), "actorType": "REGION"},
        personId=person(),
        healthcareFacilityHSAId="SE2321000057-5RB2",
        listingType={"code": "PV", "codeSystem": LISTING_TYPE_OID},
    )
    assert response.status_code == 200
    assert text(response, CREATE_LISTING, "resultCode") == ["ERROR"]


def test_missing_logical_address_is_a_client_fault(send: Any) -> None:
    actor = {"actorId": person(), "actorType": "CITIZEN"}
    response = send(GET_LISTING, None, actor=actor, personId=person())
    assert response.status_code == 500
    assert b"soap:Client" in response.content and b"LogicalAddress" in response.content


def test_request_the_schema_refuses_is_a_client_fault(
    base_url: str, http: requests.Session
) -> None:
    endpoint = f"{base_url}{UPSTREAM.mock_path}/{UPSTREAM.interaction(GET_LISTING.name).path}"
    body = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        '<soap:Header><LogicalAddress xmlns="urn:riv:itintegration:registry:1">06</LogicalAddress>'
        f'</soap:Header><soap:Body><GetListing xmlns="{GET_LISTING.responder_ns}"/></soap:Body>'
        "</soap:Envelope>"
    )
    response = http.post(endpoint, data=body, headers={"Content-Type": "text/xml"}, timeout=30)
    assert response.status_code == 500
    assert b"soap:Client" in response.content and b"schema" in response.content
