"""Benchmark choice of care: the gateway's GET /v1/listing against the GetListing call made
straight to the built-in listing mock.

A listed citizen (label listed) under a closed-loop load. The gateway makes two calls per
request (GetListingCounty, then GetListing at the county it names), so about half of the direct
throughput is the most it can reach; printed, never asserted.

    python bench/bench_listing.py [--smoke] [--duration 10] [--clients 8] [--json FILE]
"""

from __future__ import annotations

import sys

import requests
from harness import BenchError, Case, Pair, Request, Server, Throughput, main, zeep_envelope
from lxml import etree

from contracts.listing import GET_LISTING, UPSTREAM
from gateway.auth import mint_token
from gateway.domain.identity import parse_identity
from gateway.settings import Settings

MOCK = UPSTREAM.name
MOCK_PATH = f"{UPSTREAM.mock_path}/{UPSTREAM.interaction(GET_LISTING.name).path}"
LISTED = "listed"
# What `etjanst up` runs with under the bench: the defaults, without this process's environment.
DEFAULTS = Settings.model_construct()


def soap_request(citizen_id: str) -> bytes:
    """The GetListing envelope the gateway sends for this citizen: built by zeep from the same
    WSDL, with the arguments of ListingClient.listings."""
    citizen = parse_identity(citizen_id)
    person = {"root": citizen.kind.value, "extension": citizen.number}
    return zeep_envelope(
        GET_LISTING.wsdl,
        GET_LISTING.name,
        {"LogicalAddress": DEFAULTS.upstreams.listing.home_county},
        binding=GET_LISTING.binding,
        actor={"actorId": person, "actorType": "CITIZEN"},
        personId=person,
    )


def listings_in_envelope(response: requests.Response) -> str:
    document = etree.fromstring(response.content)
    code = document.findtext(f".//{{{GET_LISTING.responder_ns}}}resultCode")
    if code != "OK":
        raise BenchError(f"resultCode {code!r}")
    return f"{len(document.findall(f'.//{{{GET_LISTING.responder_ns}}}listings'))} listing(s)"


def listings_in_json(response: requests.Response) -> str:
    body = response.json()
    if not body.get("listings"):
        raise BenchError("no listing for the listed citizen")
    return f"{len(body['listings'])} listing(s), county {body['county']}"


def cases(server: Server) -> list[Case]:
    citizen = server.patient_ids(MOCK, LISTED)[LISTED]
    bearer = {"Authorization": f"Bearer {mint_token(server.secret, citizen)}"}
    soap_headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{GET_LISTING.soap_action}"',
        "x-rivta-original-serviceconsumer-hsaid": DEFAULTS.consumer_hsa_id,
    }
    pair = Pair(
        gateway=Request("GET", "/v1/listing", listings_in_json, bearer),
        direct=Request(
            "POST", MOCK_PATH, listings_in_envelope, soap_headers, soap_request(citizen)
        ),
    )
    return [Throughput(f"Listed citizen ({LISTED})", pair)]


if __name__ == "__main__":
    sys.exit(main(cases, __doc__ or ""))
