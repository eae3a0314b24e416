"""`etjanst contracts --report`, as a test team runs it: a subprocess writing the HTML page and
its JSON twin, the twin valid against contracts/report/report.schema.json, the page parsed for
what a reader looks for. Against a producer that drifts (the built-in mocks with an `undeclared`
fault and a stub whose answer has an element and an enum value our contract does not know), the
drift is shown with its path and a masked example, and a failing check fails the run."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import lxml.html
import pytest
import requests
from lxml import etree

from contracts.cosmic import CORE_NS
from contracts.registry import UPSTREAMS
from contracts.report.render import SCHEMA
from etjanst.server import RunningServer, mocks_only_app, serve_in_thread
from gateway.settings import load_settings
from tests.test_contract_suite import ENDPOINT, TENHULT, TODAY, _ask, run_contracts
from tests.test_readme import code_block, section

BIN = Path(sys.executable).parent
VALIDATOR = jsonschema_rs.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
STRANGE_STATUS = "Paused"  # prescriptionStatus is Active|Inactive in the contract
HOSTILE = "<script>alert(1)</script>"  # upstream content: shown as text, never run


def read_report(html: Path) -> tuple[dict[str, Any], lxml.html.HtmlElement]:
    report = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
    errors = [f"{e.instance_path}: {e.message}" for e in VALIDATOR.iter_errors(report)]
    assert not errors, errors
    page = lxml.html.fromstring(html.read_text(encoding="utf-8"))
    assert not page.xpath("//script | //link | //img | //iframe"), "the page must stand alone"
    return report, page


def operation(report: dict[str, Any], upstream: str, name: str) -> dict[str, Any]:
    found = next(u for u in report["upstreams"] if u["name"] == upstream)
    return next(o for o in found["operations"] if o["name"] == name)


@pytest.fixture(scope="module")
def drifting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The built-in mocks on a port of their own: Cosmic answers adult-rules with a stub (an
    undeclared element holding the patient's number, an unknown prescriptionStatus), eFrikort
    with its `undeclared` fault. Gives the settings file and the test data's environment."""
    state = tmp_path_factory.mktemp("drifting")
    server: RunningServer = serve_in_thread(
        lambda url: mocks_only_app(load_settings(today=TODAY), state)
    )
    try:
        cosmic = f"{server.url}/mocks/cosmic/_admin"
        patients = requests.get(f"{cosmic}/patients", timeout=30).json()["patients"]
        patient = next(p["id"] for p in patients if p["label"] == "adult-rules")
        answer = etree.fromstring(_ask(server.url + ENDPOINT, patient))
        prescription = answer.find(f".//{{{CORE_NS}}}medicationPrescription")
        prescription.find(f"{{{CORE_NS}}}prescriptionStatus").text = STRANGE_STATUS
        extra = etree.SubElement(prescription, f"{{{CORE_NS}}}futureCoreElement")
        extra.text = f"prescribed for {patient} {HOSTILE}"
        stub = {"operation": "GetMedicationHistory", "match": {"patient": patient}}
        stub["body"] = etree.tostring(answer).decode()
        requests.post(f"{cosmic}/stubs", json=stub, timeout=30).raise_for_status()
        fault = {"type": "undeclared", "operation": "GetCardForPerson"}
        frikort = f"{server.url}/mocks/frikort/_admin"
        requests.post(f"{frikort}/faults", json=fault, timeout=30).raise_for_status()
        config = state / "producer.toml"
        config.write_text(
            f'[upstreams.cosmic]\nurl = "{server.url}/mocks/cosmic"\n'
            f'[upstreams.frikort]\nurl = "{server.url}/mocks/frikort"\n',
            encoding="utf-8",
        )
        yield {
            "config": str(config),
            "patient": patient,
            "ETJANST_CONTRACT_COSMIC_PATIENT": patient,
            "ETJANST_CONTRACT_COSMIC_UNIT": TENHULT,
        }
    finally:
        server.stop()


def readme_commands() -> list[list[str]]:
    """The commands of the README's contract report example, as written (comments left off),
    run with this environment's console script."""
    block = code_block(section("The contract report"), "sh")
    lines = [line.split("#")[0] for line in block.splitlines() if line.startswith("etjanst ")]
    return [[str(BIN / "etjanst"), *shlex.split(line)[1:]] for line in lines]


def run_readme(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ETJANST_TODAY": TODAY.isoformat(), **env}
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # hypothesis' start-up; unused here
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=environment, timeout=300
    )


def test_the_readme_report_of_the_builtin_mocks_all_passed_no_drift(tmp_path: Path) -> None:
    result = run_readme(readme_commands()[0], tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report, page = read_report(tmp_path / "reports" / "contracts.html")

    assert report["target"] == "built-in mocks" and report["exitCode"] == 0
    assert report["totals"]["tests"] > 40
    assert report["totals"]["tests"] == report["totals"]["passed"]
    assert report["driftCount"] == 0
    names = [u["name"] for u in report["upstreams"]]
    assert names == [*(u.name for u in UPSTREAMS if u.suite), "gateway"]
    for upstream in report["upstreams"]:
        assert upstream["totals"]["tests"] > 0, upstream["name"]
        for op in upstream["operations"]:
            seconds = [t["seconds"] for t in op["tests"]]
            assert seconds == sorted(seconds, reverse=True)  # slowest first
    gateway = next(u for u in report["upstreams"] if u["name"] == "gateway")
    assert gateway["totals"]["passed"] >= 5
    history = operation(report, "cosmic", "GetMedicationHistory")
    assert history["answers"] > 0 and history["missingOptional"]  # the dataset leaves some out

    assert page.get_element_by_id("drift-count").text_content().startswith("0")
    assert "built-in mocks" in page.get_element_by_id("summary").text_content()
    sections = page.xpath("//section[@class='upstream']/@id")
    assert sections == [f"upstream-{name}" for name in names]
    assert not page.xpath("//table[@class='drift']")


def test_drift_is_shown_with_path_and_masked_example_and_a_failure_fails_the_run(
    tmp_path: Path, drifting: dict[str, str]
) -> None:
    html = tmp_path / "contracts.html"
    result = run_contracts(
        *("--target", drifting["config"], "--report", str(html), "--", "-k", "drift or schema"),
        fast=True,
        **{k: v for k, v in drifting.items() if k.startswith("ETJANST_")},
    )
    assert result.returncode == 1, result.stdout[-4000:] + result.stderr[-2000:]
    report, page = read_report(html)
    assert report["exitCode"] == 1 and report["totals"]["failed"] == 1

    history = operation(report, "cosmic", "GetMedicationHistory")
    failed = [t for t in history["tests"] if t["outcome"] == "failed"]
    assert [t["id"].rpartition("::")[2] for t in failed] == [
        "test_answer_is_a_soap_envelope_valid_against_our_schema"
    ]
    drift = {(d["kind"], d["path"].rpartition("/")[2]): d for d in history["drift"]}
    undeclared = drift["undeclared", "futureCoreElement"]
    prefix = "GetMedicationHistoryResponse/medicationMedicalRecord/medicationMedicalRecordBody/"
    assert undeclared["path"] == prefix + "medicationPrescription/futureCoreElement"
    assert undeclared["example"] == f"prescribed for {drifting['patient'][:8]}**** {HOSTILE}"
    assert drift["unknown-value", "prescriptionStatus"]["example"] == STRANGE_STATUS

    card = operation(report, "frikort", "GetCardForPerson")
    assert any(d["kind"] == "undeclared" for d in card["drift"]), card["drift"]
    assert report["driftCount"] >= 3

    rows = page.xpath("//section[@id='cosmic-GetMedicationHistory']//table[@class='drift']//tr")
    cells = [[td.text_content() for td in row.xpath("td")] for row in rows[1:]]
    assert ["undeclared", undeclared["path"]] in [c[:2] for c in cells]
    assert undeclared["example"] in [c[3] for c in cells]
    assert page.xpath("//td[@class='failed']")
    everything = html.read_text(encoding="utf-8") + html.with_suffix(".json").read_text("utf-8")
    everything += result.stdout + result.stderr
    assert drifting["patient"] not in everything, "an identity number reached the report"


def test_the_readme_report_of_a_producer_fails_on_drift(
    tmp_path: Path, drifting: dict[str, str]
) -> None:
    shutil.copy(drifting["config"], tmp_path / "producer.toml")
    result = run_readme(readme_commands()[1], tmp_path)  # no test data: those tests skip
    assert result.returncode == 1, result.stdout[-4000:] + result.stderr[-2000:]
    report, _ = read_report(tmp_path / "reports" / "contracts.html")
    assert report["failOnDrift"] and report["driftCount"] and report["totals"]["skipped"]
    assert report["totals"]["failed"] == report["totals"]["error"] == 0  # drift alone fails it
    assert [u["name"] for u in report["upstreams"]] == ["cosmic", "frikort", "gateway"]


def test_drift_alone_does_not_fail_a_run(tmp_path: Path, drifting: dict[str, str]) -> None:
    html = tmp_path / "contracts.html"
    args = ("--target", drifting["config"], "--upstream", "frikort", "--report", str(html))
    result = run_contracts(*args, "--", "-k", "drift", fast=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report, page = read_report(html)
    assert report["totals"]["failed"] == 0 and report["driftCount"] > 0
    assert report["exitCode"] == 0 and report["failOnDrift"] is False
    assert "does not fail the run" in page.get_element_by_id("drift-count").text_content()
