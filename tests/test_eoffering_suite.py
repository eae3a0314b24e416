"""`etjanst contracts --suite producer --upstream eoffering`: the GetAvailableEServices producer
suite against ours (the gateway the command starts) and against another producer by URL."""

from __future__ import annotations

from pathlib import Path

from contracts.eoffering import ENDPOINT
from tests.test_contract_suite import ENDPOINT as COSMIC_ENDPOINT
from tests.test_contract_suite import outcomes, run_contracts

TESTS = 7


def test_our_producer_passes(tmp_path: Path) -> None:
    junit = tmp_path / "eoffering.xml"
    result = run_contracts(
        "--suite", "producer", "--upstream", "eoffering", "--junit", str(junit), fast=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "eoffering at http://127.0.0.1:" in result.stderr and ENDPOINT in result.stderr
    assert set(outcomes(junit).values()) == {"passed"} and len(outcomes(junit)) == TESTS


def test_another_producer_by_url_is_held_to_the_contract(tmp_path: Path, base_url: str) -> None:
    """The session's gateway passes; an endpoint of another contract fails every answer test."""
    ours = run_contracts(
        "--suite", "producer", "--upstream", "eoffering", "--producer-url", base_url + ENDPOINT,
        fast=True,
    )  # fmt: skip
    assert ours.returncode == 0, ours.stdout[-4000:]
    junit = tmp_path / "wrong.xml"
    wrong = run_contracts(
        "--suite", "producer", "--upstream", "eoffering", "--junit", str(junit),
        "--producer-url", base_url + COSMIC_ENDPOINT, fast=True,
    )  # fmt: skip
    assert wrong.returncode == 1
    failed = {name for name, outcome in outcomes(junit).items() if outcome == "failure"}
    assert "test_the_answer_is_valid_against_the_contract" in failed
    assert "test_one_answer_per_facility_asked_about" in failed


def test_against_a_settings_file_the_producer_url_is_required(tmp_path: Path) -> None:
    settings = tmp_path / "region.toml"
    settings.write_text('consumer_hsa_id = "SE2321000057-E1177"\n', encoding="utf-8")
    result = run_contracts(
        "--suite", "producer", "--upstream", "eoffering", "--target", str(settings), fast=True
    )
    assert result.returncode == 2
    assert "eoffering: --producer-url names the producer to test" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_producer_url_belongs_to_the_producer_suites() -> None:
    result = run_contracts("--producer-url", "http://127.0.0.1:9/x", fast=True)
    assert result.returncode == 2
    assert "--producer-url is for the producer suites" in result.stderr
