"""Benchmark the renew-prescription list: the gateway's ordinations against the same
GetMedicationHistory call made straight to the built-in Cosmic mock.

A typical patient (label adult-rules) under a closed-loop load, and the 2,000-record patient
(label many-records) one request at a time. Targets, printed and never asserted: the gateway's
throughput at least 50 % of direct, the mock's at least 50 % of the trivial route's, the gateway
overhead at most 3 trivial requests; for the 2,000-record list a p50 under 250 ms and at most
3 x the direct call's.

    python bench/bench_ordinations.py [--smoke] [--duration 10] [--clients 8] [--json FILE]
"""

from __future__ import annotations

import sys

import requests
from harness import (
    BenchError,
    Case,
    Latency,
    Pair,
    Request,
    Server,
    Throughput,
    main,
    zeep_envelope,
)
from lxml import etree

from contracts.cosmic import (
    BINDING,
    CORE_NS,
    OPERATION,
    RESPONDER_NS,
    SOAP_ACTION,
    UPSTREAM,
    WSDL,
)
from gateway.auth import mint_token
from gateway.domain.identity import parse_identity
from gateway.domain.ordinations import window_start
from gateway.settings import Settings

MOCK = UPSTREAM.name
MOCK_PATH = f"{UPSTREAM.mock_path}/{UPSTREAM.interaction(OPERATION).path}"
UNIT = "SE2321000057-5VTN"
TYPICAL, MANY = "adult-rules", "many-records"
# What `etjanst up` runs with under the bench: the defaults (no file, no ETJANST_* variables
# but the date and the secret), read without the environment of this process.
DEFAULTS = Settings.model_construct()


def soap_request(server: Server, patient_id: str) -> bytes:
    """The GetMedicationHistory envelope the gateway sends for this patient at UNIT: built by
    zeep from the same WSDL, with the arguments of CosmicClient.medication_history."""
    patient, start, end = parse_identity(patient_id), window_start(server.today), server.today
    return zeep_envelope(
        WSDL,
        OPERATION,
        {"LogicalAddress": DEFAULTS.upstreams.cosmic.logical_address},
        binding=BINDING,
        careUnitHSAId=[UNIT],
        patientId={"id": patient.number, "type": patient.kind.value},
        datePeriod={"start": f"{start:%Y%m%d}", "end": f"{end:%Y%m%d}"},
    )


def records(response: requests.Response) -> str:
    document = etree.fromstring(response.content)
    code = document.findtext(f".//{{{RESPONDER_NS}}}result/{{{CORE_NS}}}resultCode")
    if code != "OK":
        raise BenchError(f"resultCode {code!r}")
    return f"{len(document.findall(f'.//{{{RESPONDER_NS}}}medicationMedicalRecord'))} records"


def ordinations(response: requests.Response) -> str:
    body = response.json()
    if not body.get("listAvailable"):
        raise BenchError(f"list not available: {body.get('reason')!r}")
    return f"{len(body['ordinations'])} ordinations"


def ordinations_pair(server: Server, patient_id: str) -> Pair:
    bearer = {"Authorization": f"Bearer {mint_token(server.secret, patient_id)}"}
    soap_headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{SOAP_ACTION}"',
        "x-rivta-original-serviceconsumer-hsaid": DEFAULTS.consumer_hsa_id,
    }
    return Pair(
        gateway=Request("GET", f"/v1/units/{UNIT}/ordinations", ordinations, bearer),
        direct=Request("POST", MOCK_PATH, records, soap_headers, soap_request(server, patient_id)),
    )


def cases(server: Server) -> list[Case]:
    ids = server.patient_ids(MOCK, TYPICAL, MANY)
    return [
        Throughput(
            f"Typical patient ({TYPICAL})",
            ordinations_pair(server, ids[TYPICAL]),
            min_ratio_pct=50,
            min_direct_trivial_pct=50,
        ),
        Latency(
            f"2,000-record patient ({MANY})",
            ordinations_pair(server, ids[MANY]),
            max_gateway_p50_ms=250,
            max_p50_times_direct=3,
        ),
    ]


if __name__ == "__main__":
    sys.exit(main(cases, __doc__ or ""))
