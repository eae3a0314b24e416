"""What the gateway relies on from a region's carelisting v2 producer (RIVTABP21).

Written once, run against the built-in mocks or a real producer. Every request is built by the
gateway's own ListingClient; LogicalAddress is a county code per call. Drift (elements our
contract does not know) is reported in the JUnit XML and as a warning, never failed.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import pytest
import requests

from contracts.listing import GET_LISTING_COUNTY, PRIMARY_CARE
from contracts.privacy import mask_text
from contracts.riv import SOAP_ENV
from contracts.suites.listing.conftest import Probe
from contracts.suites.target import Target
from gateway.domain.identity import Identity, parse_identity, with_check_digit
from gateway.domain.listing import Actor, ListingChange
from gateway.domain.units import HSA_ID
from gateway.errors import UpstreamBusinessError

COUNTY = re.compile(r"[0-9]{2}")
# a facility id no region has
NO_SUCH_FACILITY = "SE0000000000-NOSUCH1"
# Valid check digit, born 1900: no listing system should know this citizen.
UNKNOWN_CITIZEN = with_check_digit("19000101990")


def test_listing_county_is_a_county_code(listing: Probe, citizen: Identity) -> None:
    county = listing.client.listing_county(Actor.CITIZEN, citizen, citizen)
    assert COUNTY.fullmatch(county), f"GetListingCounty named {county!r}, not a county code"


def test_listed_citizen_has_a_listing_at_a_facility(listing: Probe, citizen: Identity) -> None:
    county = listing.client.listing_county(Actor.CITIZEN, citizen, citizen)
    found = listing.client.listings(Actor.CITIZEN, citizen, citizen, county)
    assert found.result.code in {"OK", "INFO"}
    current = [item for item in found.items if not item.in_queue]
    assert current, f"GetListing at county {county} shows no listing for the test citizen"
    for item in current:
        assert HSA_ID.fullmatch(item.facility.hsa_id), item.facility.hsa_id
        assert item.facility.name
        assert item.type.code


def test_facilities_of_the_region_for_primary_care(listing: Probe) -> None:
    facilities = listing.client.facilities(PRIMARY_CARE)
    assert facilities, "GetAvailableHealthcareFacilities lists no primary care facility"
    for facility in facilities:
        assert HSA_ID.fullmatch(facility.hsa_id), facility.hsa_id
        assert facility.name
        if facility.has_queue and facility.queue_length is not None:
            assert facility.queue_length >= 0


def test_facility_filter_returns_only_the_facility_asked_for(listing: Probe) -> None:
    first = listing.client.facilities(PRIMARY_CARE)[0]
    only = listing.client.facilities(PRIMARY_CARE, only=[first.hsa_id])
    assert [f.hsa_id.upper() for f in only] == [first.hsa_id.upper()]


def test_personnel_of_a_facility_with_personnel_choice(listing: Probe, citizen: Identity) -> None:
    choosing = [f for f in listing.client.facilities(PRIMARY_CARE) if f.personnel_choice]
    if not choosing:
        pytest.skip("no facility of the region offers a choice of personnel")
    people = listing.client.personnel(citizen, choosing[0].hsa_id, PRIMARY_CARE)
    assert people, f"{choosing[0].hsa_id} offers personnel choice but names nobody"
    assert all(p.hsa_id and p.name for p in people)


def test_unknown_citizen_is_answered_without_a_fault(listing: Probe) -> None:
    unknown = parse_identity(UNKNOWN_CITIZEN)
    county = listing.client.listing_county(Actor.CITIZEN, unknown, unknown)
    found = listing.client.listings(Actor.CITIZEN, unknown, unknown, county)
    assert [item for item in found.items if not item.in_queue] == []


def test_create_listing_at_an_unknown_facility_is_a_result_not_a_fault(
    listing: Probe, citizen: Identity
) -> None:
    """A refusal is a business outcome in the body (resultCode), never a SOAP fault."""
    result = listing.client.create(
        Actor.CITIZEN, citizen, citizen, ListingChange(facility=NO_SUCH_FACILITY)
    )
    assert result.code not in {"OK", "INFO"}, "CreateListing accepted a facility that is not there"


def test_request_without_logical_address_is_a_client_fault(listing: Probe, target: Target) -> None:
    body = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Header/><soapenv:Body>'
        f'<r:GetListingCounty xmlns:r="{GET_LISTING_COUNTY.responder_ns}" '
        'xmlns:c="urn:riv:supportprocess:logistics:carelisting:2">'
        "<r:actor><c:actorId><c:root>1.2.752.129.2.1.3.1</c:root>"
        f"<c:extension>{UNKNOWN_CITIZEN}</c:extension></c:actorId>"
        "<c:actorType>CITIZEN</c:actorType></r:actor>"
        "<r:personId><c:root>1.2.752.129.2.1.3.1</c:root>"
        f"<c:extension>{UNKNOWN_CITIZEN}</c:extension></r:personId>"
        "</r:GetListingCounty></soapenv:Body></soapenv:Envelope>"
    ).encode()
    response = requests.post(
        listing.client.http.endpoint(GET_LISTING_COUNTY.name),
        data=body,
        headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{GET_LISTING_COUNTY.soap_action}"',
            "x-rivta-original-serviceconsumer-hsaid": target.consumer_hsa_id,
        },
        timeout=30,
    )
    assert response.status_code == 500
    assert b"Fault" in response.content and b"Client" in response.content


def test_drift_is_reported_not_failed(
    listing: Probe, citizen: Identity, record_property: Callable[[str, object], None]
) -> None:
    """Every operation the gateway reads, once: what it logs as drift lands in the JUnit XML
    (property `drift`) and as a warning; the test fails only when an answer was unusable."""
    try:
        county = listing.client.listing_county(Actor.CITIZEN, citizen, citizen)
        listing.client.listings(Actor.CITIZEN, citizen, citizen, county)
        facilities = listing.client.facilities(PRIMARY_CARE)
        for facility in facilities[:1]:
            if facility.personnel_choice:
                listing.client.personnel(citizen, facility.hsa_id, PRIMARY_CARE)
    except UpstreamBusinessError as exc:
        pytest.fail(f"an answer the gateway could not use: {exc}")
    drift = [
        f"{operation}: {mask_text(found)}"
        for operation, items in listing.drift.items()
        for found in items
    ]
    record_property("drift", "; ".join(drift) if drift else "none")
    if drift:
        warnings.warn(
            f"{len(drift)} difference(s) from our contract: " + "; ".join(drift), stacklevel=1
        )
