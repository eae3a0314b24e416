"""`etjanst contracts --suite producer`, as integration staff run it: the national producer test
suite of GetMedicationHistory, our implementation, with the suite's own ids in the reports.

Against the built-in Cosmic mock every applicable case must pass on the default dataset: a case
the dataset cannot serve fails here, it is never skipped. Only 7.1 and 7.2 are skipped (they
apply to producers that filter by consumer, which the mock does not). Against a settings file
the same cases run with the test data given by --data.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts.suites.producer.get_medication_history.cases import CASES
from contracts.suites.producer.get_medication_history.parameters import MOCKS_DATA
from tests.test_contract_suite import outcomes, run_contracts

NOT_APPLICABLE = {"7.1", "7.2"}  # consumer-based filtering, which the mock does not do


def test_every_applicable_case_passes_against_the_mock(tmp_path: Path) -> None:
    junit, html = tmp_path / "producer.xml", tmp_path / "producer.html"
    result = run_contracts(
        "--suite", "producer", "--upstream", "cosmic", "--target", "mocks",
        "--junit", str(junit), "--html", str(html),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]

    found = outcomes(junit)
    assert len(found) == 71 and set(found) == set(CASES)  # named by the suite's own ids
    failed = {case: outcome for case, outcome in found.items() if outcome != "passed"}
    assert failed == dict.fromkeys(NOT_APPLICABLE, "skipped")
    titles = {
        p.get("value")
        for p in ET.parse(junit).getroot().iter("property")
        if p.get("name") == "title"
    }
    assert "1.9 NonExisting CareContact" in titles
    page = html.read_text(encoding="utf-8")
    assert "test_get_medication_history.py::1.9" in page and "8.6" in page


@pytest.fixture
def producer_toml(tmp_path: Path, base_url: str) -> Path:
    """A settings file for the mock on the session's server, as for a real producer."""
    settings = tmp_path / "producer.toml"
    settings.write_text(
        f'[upstreams.cosmic]\nurl = "{base_url}/mocks/cosmic"\n'
        'logical_address = "SE2321000057-7P8R"\n',
        encoding="utf-8",
    )
    return settings


def test_a_real_producer_runs_with_the_data_file(producer_toml: Path, tmp_path: Path) -> None:
    junit = tmp_path / "real.xml"
    result = run_contracts(
        "--suite", "producer", "--target", str(producer_toml),
        "--data", str(MOCKS_DATA / "cosmic.toml"), "--junit", str(junit),
        "--", "-k", "1.1.3 or 1.5 or 1.7 or 1.9 or 5.9",
        fast=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    # 1.7 needs an internal error arranged by hand at a real producer: skipped, saying so
    assert outcomes(junit) == {
        "1.1.3": "passed", "1.5": "passed", "1.7": "skipped", "1.9": "passed", "5.9": "passed",
    }  # fmt: skip


def test_a_real_producer_without_test_data_is_told_what_to_give(producer_toml: Path) -> None:
    result = run_contracts(
        "--suite", "producer", "--target", str(producer_toml), "--", "-k", "1.1.1", fast=True
    )
    assert result.returncode == 1
    assert "needs the suite's test data: --data FILE" in result.stdout


def test_a_missing_data_file_is_a_readable_error(producer_toml: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = run_contracts(
        "--suite", "producer", "--target", str(producer_toml), "--data", str(missing), fast=True
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"etjanst contracts: {missing}: no such data file"
    )


def test_reports_never_show_an_identity_number(producer_toml: Path, tmp_path: Path) -> None:
    number = "196804152384"  # a case that fails saying the number it looked for
    data = tmp_path / "data.toml"
    data.write_text(
        '[globaldata]\npatientId = "196103144199"\npatientIdType = "1.2.752.129.2.1.3.1"\n'
        f'[testcase."2.2"]\ntestString = "{number}"\n',
        encoding="utf-8",
    )
    junit, html = tmp_path / "masked.xml", tmp_path / "masked.html"
    result = run_contracts(
        "--suite", "producer", "--target", str(producer_toml), "--data", str(data),
        "--junit", str(junit), "--html", str(html), "--", "-k", "2.2 and not 1.2.2",
    )  # fmt: skip
    assert result.returncode == 1 and outcomes(junit) == {"2.2": "failure"}
    reports = junit.read_text(encoding="utf-8") + html.read_text(encoding="utf-8")
    assert number not in reports + result.stdout + result.stderr
    assert "19680415****" in html.read_text(encoding="utf-8")
