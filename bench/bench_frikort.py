"""Benchmark outpatient high-cost protection: the gateway's GET /v1/high-cost/outpatient against
the same GetCardForPerson call made straight to the built-in eFrikort mock.

A patient whose ceiling is reached (label free-card) under a closed-loop load. Target, printed and
never asserted: the gateway's throughput at least 50 % of direct.

    python bench/bench_frikort.py [--smoke] [--duration 10] [--clients 8] [--json FILE]
"""

from __future__ import annotations

import sys

import requests
from harness import BenchError, Case, Pair, Request, Server, Throughput, main, zeep_envelope
from lxml import etree

from contracts.frikort import CARE_VISIT, CORE_NS, GET_CARD_FOR_PERSON, UPSTREAM
from gateway.auth import mint_token
from gateway.settings import Settings

MOCK = UPSTREAM.name
MOCK_PATH = f"{UPSTREAM.mock_path}/{UPSTREAM.interaction(GET_CARD_FOR_PERSON.name).path}"
PATIENT = "free-card"
DEFAULTS = Settings.model_construct()  # what `etjanst up` runs with under the bench


def soap_request(patient_id: str) -> bytes:
    """The GetCardForPerson envelope the gateway sends, built by zeep from the same WSDL."""
    return zeep_envelope(
        GET_CARD_FOR_PERSON.wsdl,
        GET_CARD_FOR_PERSON.name,
        {"LogicalAddress": DEFAULTS.upstreams.frikort.logical_address},
        binding=GET_CARD_FOR_PERSON.binding,
        PersonId=patient_id,
        CardNature=CARE_VISIT,
    )


def card(response: requests.Response) -> str:
    document = etree.fromstring(response.content)
    code = document.findtext(f".//{{{CORE_NS}}}ResultCode")
    if code != "OK":
        raise BenchError(f"ResultCode {code!r}")
    return f"CurrentAmount {document.findtext(f'.//{{{CORE_NS}}}CurrentAmount')}"


def figures(response: requests.Response) -> str:
    body = response.json()
    if body.get("freeCard") is None:
        raise BenchError(f"no free card: {body!r}")
    return f"paid {body['paid']} of {body['ceiling']}"


def cases(server: Server) -> list[Case]:
    patient_id = server.patient_ids(MOCK, PATIENT)[PATIENT]
    bearer = {"Authorization": f"Bearer {mint_token(server.secret, patient_id)}"}
    soap_headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{GET_CARD_FOR_PERSON.soap_action}"',
        "x-rivta-original-serviceconsumer-hsaid": DEFAULTS.consumer_hsa_id,
    }
    pair = Pair(
        gateway=Request("GET", "/v1/high-cost/outpatient", figures, bearer),
        direct=Request("POST", MOCK_PATH, card, soap_headers, soap_request(patient_id)),
    )
    return [Throughput(f"Free card reached ({PATIENT})", pair, min_ratio_pct=50)]


if __name__ == "__main__":
    sys.exit(main(cases, __doc__ or ""))
