"""The two E-hälsomyndigheten mocks on their own, over real HTTP: the NLL mock against its own
OpenAPI (schemathesis) and FHIR R4 (fhir.resources), the HKDB mock against its WSDL/XSD."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import zeep
from fhir.resources.R4B.bundle import Bundle
from lxml import etree

from contracts.ehm.hkdb import OPERATION, SOAP_ACTION, WSDL
from contracts.ehm.hkdb import UPSTREAM as HKDB
from contracts.ehm.nll import UPSTREAM as NLL
from contracts.registry import BY_NAME
from etjanst.server import RunningServer, serve_in_thread
from mocks.app import create_mocks_app
from mocks.kit.config import MockConfig
from tests.conftest import TODAY

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
ADULT = "196804152384"
PNR = "http://electronichealth.se/identifier/personnummer"
HEADERS = {"x-purpose": "PATIENT", "x-access": "CITIZEN"}


@pytest.fixture(scope="module")
def mocks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    config = MockConfig(tmp_path_factory.mktemp("ehm-mocks") / "mocks.sqlite3", today=TODAY)
    upstreams = (BY_NAME["ehm_nll"], BY_NAME["ehm_hkdb"])
    running = serve_in_thread(lambda url: create_mocks_app(config, upstreams=upstreams))
    yield running
    running.stop()


def search(mocks: RunningServer, **params: str) -> requests.Response:
    return requests.get(
        f"{mocks.url}{NLL.mock_path}/MedicationRequest", params=params, headers=HEADERS, timeout=10
    )


def test_every_search_answer_is_valid_fhir_r4(mocks: RunningServer) -> None:
    patients = requests.get(f"{mocks.url}{NLL.mock_path}/_admin/patients", timeout=10).json()
    for patient in patients["patients"]:
        answer = search(
            mocks,
            **{
                "patient.identifier": f"{PNR}|{patient['id']}",
                "_revinclude": "MedicationDispense:prescription",
            },
        )
        assert answer.headers["Content-Type"] == "application/fhir+json"
        Bundle.model_validate(answer.json())  # raises on anything FHIR R4 does not allow
    bundle = search(mocks, **{"patient.identifier": f"{PNR}|{ADULT}"}).json()
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert kinds == {"MedicationRequest"}, "dispenses only on _revinclude"


def test_errors_are_operation_outcomes(mocks: RunningServer) -> None:
    without_headers = requests.get(
        f"{mocks.url}{NLL.mock_path}/MedicationRequest",
        params={"patient.identifier": f"{PNR}|{ADULT}"},
        timeout=10,
    )
    assert without_headers.status_code == 400
    issue = without_headers.json()["issue"][0]
    assert (issue["severity"], issue["code"]) == ("error", "invalid")
    assert "x-purpose" in issue["diagnostics"]
    wrong = search(mocks, **{"patient.identifier": f"urn:other|{ADULT}"})
    assert wrong.status_code == 400
    assert wrong.json()["resourceType"] == "OperationOutcome"


def test_schemathesis_finds_nothing_in_the_nll_mock(mocks: RunningServer, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{mocks.url}{NLL.mock_path}/openapi.json",
            "--url",
            f"{mocks.url}{NLL.mock_path}",
            "--checks",
            "all",
            "--max-examples",
            "30",
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def hkdb_call(
    mocks: RunningServer, persnr: str, to: str | None = "2021006545"
) -> requests.Response:
    client = zeep.Client(str(WSDL))
    message = client.create_message(
        client.service,
        OPERATION,
        klientinformation={"anvandare": "test", "system": "test"},
        persNr=persnr,
        _soapheaders={"LogicalAddress": to} if to else None,
    )
    return requests.post(
        f"{mocks.url}{HKDB.mock_path}/{HKDB.interaction(OPERATION).path}",
        data=etree.tostring(message),
        headers={"SOAPAction": f'"{SOAP_ACTION}"', "Content-Type": "text/xml; charset=utf-8"},
        timeout=10,
    )


def test_hkdb_answers_an_account_valid_against_our_xsd(mocks: RunningServer) -> None:
    answer = hkdb_call(mocks, ADULT)
    assert answer.status_code == 200, answer.text
    assert b"<ansluten>true</ansluten>" in answer.content
    assert b"<innevPeriod><balans><brutto>2300.00</brutto><netto>2225.00</netto>" in answer.content


def test_hkdb_refuses_a_request_without_the_wsa_to_header(mocks: RunningServer) -> None:
    answer = hkdb_call(mocks, ADULT, to=None)
    assert answer.status_code == 500
    assert b"soap:Client" in answer.content and b"the To SOAP header" in answer.content


def test_hkdb_faults_carry_the_contract_detail(mocks: RunningServer) -> None:
    admin = f"{mocks.url}{HKDB.mock_path}/_admin"
    fault = {"type": "apotek_fault", "exception": "SystemException", "code": "SYS1", "times": 1}
    assert requests.post(f"{admin}/faults", json=fault, timeout=10).status_code == 201
    answer = hkdb_call(mocks, ADULT)
    detail = etree.fromstring(answer.content).find(".//detail")
    assert detail is not None
    assert (
        detail[0].tag
        == "{urn:riv:se.apotekensservice:pris:HamtaHkdbKontoResponder:1}SystemException"
    )


def test_the_purchases_route_is_in_the_admin_openapi(mocks: RunningServer) -> None:
    document = requests.get(f"{mocks.url}{HKDB.mock_path}/_admin/openapi.json", timeout=10).json()
    route = document["paths"]["/mocks/ehm_hkdb/_admin/purchases"]
    assert set(route) == {"get", "post"}
    assert route["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Purchase"
    }
