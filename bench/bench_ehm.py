"""Benchmark the two E-hälsomyndigheten e-services, each against the upstream call it makes,
sent straight to the built-in mock, in one run: prescriptions left to collect (the NLL FHIR
search) and the pharmaceutical high-cost account (HamtaHkdbKonto). Targets, printed and never
asserted: the gateway's throughput at least 50 % of direct for both.

    python bench/bench_ehm.py [--smoke] [--duration 10] [--clients 8] [--json FILE]
"""

from __future__ import annotations

import sys
from urllib.parse import urlencode

import requests
from harness import BenchError, Case, Pair, Request, Server, Throughput, main, zeep_envelope

from contracts.ehm import hkdb, nll
from gateway.auth import mint_token
from gateway.settings import Settings
from gateway.upstreams.ehm_hkdb import CLIENT_SYSTEM
from gateway.upstreams.ehm_nll import ACCESS, PURPOSE

NLL_LABEL, HKDB_LABEL = "left-to-collect", "current-and-previous-period"
NLL_PATH = f"{nll.UPSTREAM.mock_path}/{nll.UPSTREAM.interaction(nll.SEARCH).path}"
HKDB_PATH = f"{hkdb.UPSTREAM.mock_path}/{hkdb.UPSTREAM.interaction(hkdb.OPERATION).path}"
DEFAULTS = Settings.model_construct()  # what `etjanst up` runs with under the bench


def bundle(response: requests.Response) -> str:
    document = response.json()
    if document.get("resourceType") != "Bundle":
        raise BenchError(f"not a Bundle: {document.get('resourceType')!r}")
    return f"{len(document['entry'])} entries, {len(response.content) / 1024:.1f} KiB"


def prescriptions(response: requests.Response) -> str:
    return f"{len(response.json()['prescriptions'])} prescriptions left to collect"


def konto(response: requests.Response) -> str:
    if b"HamtaHkdbKontoResponse" not in response.content:
        raise BenchError("not a HamtaHkdbKontoResponse")
    return f"an account, {len(response.content)} bytes"


def account(response: requests.Response) -> str:
    body = response.json()
    return f"paid {body['paid']['net']} kr net, ladder of {len(body['ladder'])} steps"


def hkdb_envelope(patient: str) -> bytes:
    """The envelope HkdbClient.account sends, built by zeep from the same WSDL."""
    return zeep_envelope(
        hkdb.WSDL,
        hkdb.OPERATION,
        {"LogicalAddress": DEFAULTS.upstreams.ehm_hkdb.logical_address},
        klientinformation={"anvandare": DEFAULTS.consumer_hsa_id, "system": CLIENT_SYSTEM},
        persNr=patient,
    )


def cases(server: Server) -> list[Case]:
    nll_patient = server.patient_ids(nll.UPSTREAM.name, NLL_LABEL)[NLL_LABEL]
    hkdb_patient = server.patient_ids(hkdb.UPSTREAM.name, HKDB_LABEL)[HKDB_LABEL]
    query = urlencode(
        {
            "patient.identifier": f"{nll.PERSONNUMMER_SYSTEM}|{nll_patient}",
            "_revinclude": nll.REVINCLUDE_DISPENSES,
        }
    )
    fhir_headers = {
        "Accept": nll.FHIR_JSON,
        nll.PURPOSE_HEADER: PURPOSE,
        nll.ACCESS_HEADER: ACCESS,
        "x-rivta-original-serviceconsumer-hsaid": DEFAULTS.consumer_hsa_id,
    }
    soap_headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{hkdb.SOAP_ACTION}"',
        "x-rivta-original-serviceconsumer-hsaid": DEFAULTS.consumer_hsa_id,
    }

    def bearer(patient: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(server.secret, patient)}"}

    return [
        Throughput(
            f"Prescriptions left to collect ({NLL_LABEL})",
            Pair(
                gateway=Request("GET", "/v1/prescriptions", prescriptions, bearer(nll_patient)),
                direct=Request("GET", f"{NLL_PATH}?{query}", bundle, fhir_headers),
            ),
            min_ratio_pct=50,
        ),
        Throughput(
            f"High-cost account ({HKDB_LABEL})",
            Pair(
                gateway=Request(
                    "GET", "/v1/high-cost/pharmaceuticals", account, bearer(hkdb_patient)
                ),
                direct=Request("POST", HKDB_PATH, konto, soap_headers, hkdb_envelope(hkdb_patient)),
            ),
            min_ratio_pct=50,
        ),
    ]


if __name__ == "__main__":
    sys.exit(main(cases, __doc__ or ""))
