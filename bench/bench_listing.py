"""Benchmark choice of care: the gateway's GET /v1/listing against the calls it makes, sent
straight to the built-in listing mock.

The gateway makes two upstream calls per request: GetListingCounty, then GetListing at the county
that answer names. The direct side is that sequence, sent in the same order on one connection
with the same envelopes and headers, and one direct request in every count and ratio is the whole
sequence, so the gateway overhead is only what the gateway adds to both calls. A listed citizen
(label listed) under a closed-loop load. Target, printed and never asserted: the gateway overhead
at most 3 trivial requests.

    python bench/bench_listing.py [--smoke] [--duration 10] [--clients 8] [--json FILE]
"""

from __future__ import annotations

import sys

import requests
from harness import (
    BenchError,
    Case,
    Describe,
    Pair,
    Request,
    Server,
    Throughput,
    answer_once,
    main,
    zeep_envelope,
)
from lxml import etree

from contracts.listing import (
    CORE_NS,
    GET_LISTING,
    GET_LISTING_COUNTY,
    HOME_COUNTY,
    UPSTREAM,
    Operation,
)
from contracts.riv import CONSUMER_HSA_ID_HEADER, CORRELATION_ID_HEADER, XML_CONTENT_TYPE
from gateway.auth import mint_token
from gateway.domain.identity import parse_identity
from gateway.settings import Settings

MOCK = UPSTREAM.name
LISTED = "listed"
# The gateway sends one correlation id, new per gateway request, with both of its calls.
CORRELATION_ID = "0b8e4f1c-9a53-4d6e-8f27-3c1d5a7e9b40"
# What `etjanst up` runs with under the bench: the defaults, without this process's environment.
DEFAULTS = Settings.model_construct()


def soap_request(operation: Operation, county: str, citizen_id: str) -> bytes:
    """The envelope the gateway sends for this citizen to `county`: built by zeep from the same
    WSDL, with the arguments of ListingClient.listing_county and .listings."""
    citizen = parse_identity(citizen_id)
    person = {"root": citizen.kind.value, "extension": citizen.number}
    return zeep_envelope(
        operation.wsdl,
        operation.name,
        {"LogicalAddress": county},
        binding=operation.binding,
        actor={"actorId": person, "actorType": "CITIZEN"},
        personId=person,
    )


def soap_call(operation: Operation, county: str, citizen_id: str, describe: Describe) -> Request:
    """`operation` posted to the mock, with the gateway's SOAPAction and headers."""
    headers = {
        "Content-Type": XML_CONTENT_TYPE,
        "SOAPAction": f'"{operation.soap_action}"',
        CONSUMER_HSA_ID_HEADER: DEFAULTS.consumer_hsa_id,
        CORRELATION_ID_HEADER: CORRELATION_ID,
    }
    path = f"{UPSTREAM.mock_path}/{UPSTREAM.interaction(operation.name).path}"
    return Request("POST", path, describe, headers, soap_request(operation, county, citizen_id))


def answer(operation: Operation, response: requests.Response) -> etree._Element:
    """The answer's payload, if its resultCode is OK."""
    payload = etree.fromstring(response.content).find(f".//{operation.response}")
    if payload is None:
        raise BenchError(f"no {operation.name}Response in the answer")
    code = payload.findtext(f"{{{operation.responder_ns}}}resultCode")
    if code != "OK":
        raise BenchError(f"resultCode {code!r}")
    return payload


def county_in_envelope(response: requests.Response) -> str:
    """The county the gateway would ask for the listings: the first one named, else its own."""
    counties = answer(GET_LISTING_COUNTY, response).iterfind(
        f"{{{GET_LISTING_COUNTY.responder_ns}}}listingCounties/{{{CORE_NS}}}extension"
    )
    return next((c.text for c in counties if c.text), DEFAULTS.upstreams.listing.home_county)


def listings_in_envelope(response: requests.Response) -> str:
    found = answer(GET_LISTING, response).findall(f"{{{GET_LISTING.responder_ns}}}listings")
    if not found:
        raise BenchError("no listing for the listed citizen at the county named")
    return f"{len(found)} listing(s)"


def listings_in_json(response: requests.Response) -> str:
    body = response.json()
    if not body.get("listings"):
        raise BenchError("no listing for the listed citizen")
    return f"{len(body['listings'])} listing(s), county {body['county']}"


def cases(server: Server) -> list[Case]:
    citizen = server.patient_ids(MOCK, LISTED)[LISTED]
    bearer = {"Authorization": f"Bearer {mint_token(server.secret, citizen)}"}
    ask_county = soap_call(
        GET_LISTING_COUNTY,
        DEFAULTS.upstreams.listing.logical_address or HOME_COUNTY,
        citizen,
        lambda response: f"county {county_in_envelope(response)}",
    )
    # GetListing goes to the county the first call names, as the gateway's does
    county = county_in_envelope(answer_once(server, ask_county))
    pair = Pair(
        gateway=Request("GET", "/v1/listing", listings_in_json, bearer),
        direct=(ask_county, soap_call(GET_LISTING, county, citizen, listings_in_envelope)),
    )
    return [Throughput(f"Listed citizen ({LISTED})", pair)]


if __name__ == "__main__":
    sys.exit(main(cases, __doc__ or ""))
