"""`etjanst contracts` end to end, as a test team runs it: a subprocess, JUnit XML out.

Against the built-in mocks every check must pass and none may be skipped (a skip there means the
default dataset no longer exercises a promise). Against a settings file whose producer adds
elements our contract does not know, the run still passes and the JUnit XML reports the drift.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests
from lxml import etree

from contracts.cosmic import CORE_NS, OPERATION, RESPONDER_NS, SOAP_ACTION, UPSTREAM
from contracts.riv import REGISTRY_NS
from etjanst.server import RunningServer, mocks_only_app, serve_in_thread
from gateway.domain.ordinations import window_start
from gateway.settings import load_settings

TODAY = date(2026, 11, 25)
TENHULT = "SE2321000057-5VTN"
ENDPOINT = f"{UPSTREAM.mock_path}/{UPSTREAM.interaction(OPERATION).path}"
ETJANST = [sys.executable, "-m", "etjanst.cli", "contracts"]


def run_contracts(*args: str, fast: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ETJANST_TODAY": TODAY.isoformat(), **env}
    if fast:  # hypothesis and schemathesis cost ~2 s at start-up; the suites use neither
        environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [*ETJANST, *args], capture_output=True, text=True, env=environment, timeout=120
    )


def junit_suite(junit: Path) -> ET.Element:
    root = ET.parse(junit).getroot()
    return root if root.tag == "testsuite" else root.find("testsuite")


def outcomes(junit: Path) -> dict[str, str]:
    """Each case's outcome by its name in the JUnit XML."""
    found = {}
    for case in junit_suite(junit).iter("testcase"):
        kinds = [child.tag for child in case if child.tag in {"failure", "error", "skipped"}]
        found[str(case.get("name"))] = kinds[0] if kinds else "passed"
    return found


def test_the_suites_pass_against_the_builtin_mocks(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = run_contracts("--target", "mocks", "--junit", str(junit))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

    suite = junit_suite(junit)
    assert len(suite.findall("testcase")) >= 8
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0", "0", "0")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["target"] == "built-in mocks" and properties["drift"] == "none"


def test_a_missing_settings_file_is_a_readable_error(tmp_path: Path) -> None:
    result = run_contracts("--target", str(tmp_path / "nonexistent.toml"), fast=True)
    assert result.returncode == 2
    assert "nonexistent.toml" in result.stderr and "not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def drifting_producer(tmp_path: Path) -> Iterator[tuple[RunningServer, str]]:
    """The built-in mock with a stub for one patient: its real answer plus one element in a
    foreign namespace and one in ours that our XSD does not declare (a newer minor version)."""
    settings = load_settings(today=TODAY)
    server = serve_in_thread(lambda url: mocks_only_app(settings, tmp_path))
    try:
        admin = f"{server.url}/mocks/cosmic/_admin"
        dataset = requests.get(f"{admin}/dataset", timeout=10).json()
        patient = next(p["id"] for p in dataset["patients"] if p["label"] == "adult-rules")
        answer = etree.fromstring(_ask(server.url + ENDPOINT, patient))
        prescription = answer.find(f".//{{{CORE_NS}}}medicationPrescription")
        etree.SubElement(prescription, f"{{{CORE_NS}}}futureCoreElement").text = "x"
        etree.SubElement(prescription, "{urn:example:vendor}vendorExtension").text = "y"
        stub = {
            "operation": "GetMedicationHistory",
            "match": {"patient": patient},
            "body": etree.tostring(answer).decode(),
        }
        requests.post(f"{admin}/stubs", json=stub, timeout=10).raise_for_status()
        yield server, patient
    finally:
        server.stop()


def _ask(url: str, patient: str) -> bytes:
    start = window_start(TODAY)
    body = (
        f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:itr="{REGISTRY_NS}" xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}">'
        f"<s:Header><itr:LogicalAddress>SE2321000057-7P8R</itr:LogicalAddress></s:Header>"
        f"<s:Body><r:GetMedicationHistory><r:careUnitHSAId>{TENHULT}</r:careUnitHSAId>"
        f"<r:patientId><c:id>{patient}</c:id><c:type>1.2.752.129.2.1.3.1</c:type></r:patientId>"
        f"<r:datePeriod><c:start>{start:%Y%m%d}</c:start><c:end>{TODAY:%Y%m%d}</c:end>"
        f"</r:datePeriod></r:GetMedicationHistory></s:Body></s:Envelope>"
    )
    response = requests.post(
        url, data=body.encode(), headers={"SOAPAction": SOAP_ACTION}, timeout=10
    )
    response.raise_for_status()
    return response.content


def test_drift_is_reported_in_the_junit_xml_not_failed(
    tmp_path: Path, drifting_producer: tuple[RunningServer, str]
) -> None:
    server, patient = drifting_producer
    config = tmp_path / "producer.toml"
    config.write_text(
        f'[upstreams.cosmic]\nurl = "{server.url}{ENDPOINT}"\n',
        encoding="utf-8",
    )
    junit = tmp_path / "junit.xml"
    result = run_contracts(
        *("--target", str(config), "--upstream", "cosmic", "--junit", str(junit)),
        *("--", "-k", "drift or schema"),
        fast=True,
        ETJANST_CONTRACT_COSMIC_PATIENT=patient,
        ETJANST_CONTRACT_COSMIC_UNIT=TENHULT,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "ContractDrift" in result.stdout  # the warning summary

    suite = junit_suite(junit)
    assert len(suite.findall("testcase")) == 2 and suite.get("failures") == "0"
    drift = next(p.get("value") for p in suite.iter("property") if p.get("name") == "drift")
    assert "futureCoreElement" in drift and "vendorExtension" in drift
    everything = junit.read_text(encoding="utf-8") + result.stdout + result.stderr
    assert patient not in everything, "an identity number reached the report unmasked"
