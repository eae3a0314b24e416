"""`etjanst call`: every operation the gateway's clients implement, for every upstream, called
as its declaration says, printed raw and normalised, identity numbers masked unless asked; a
call that cannot be made is one readable line and exit status 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

from contracts.privacy import mask_text
from contracts.registry import UPSTREAMS
from etjanst.cli import main
from etjanst.server import RunningServer
from tests.conftest import TODAY

CALLABLE = [(u.name, i.operation) for u in UPSTREAMS for i in u.interactions if i.call]
# the patient of the default datasets each call has something to show for
PATIENTS = {
    "GetSubjectOfCareSchedule": "booked-appointments",
    "GetBookingDetails": "booked-appointments",
    "UpdateBooking": "booked-appointments",
    "CancelBooking": "booked-appointments",
    "GetCardForPerson": "free-card",
    "GetExtendedCard": "free-card",
    "GetListing": "listed",
    "CreateListing": "not-listed",
}
ADULT_RULES = "196804152384"


@pytest.fixture(scope="module")
def config(mocks: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A settings file placing every upstream on the mocks server, as one would a producer."""
    lines = [f'today = "{TODAY.isoformat()}"']
    for upstream in UPSTREAMS:
        lines += [f"[upstreams.{upstream.name}]", f'url = "{mocks.url}{upstream.mock_path}"']
    path = tmp_path_factory.mktemp("call-config") / "producer.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def call(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(["call", *arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def result_of(out: str) -> object:
    return json.loads(out.split("the gateway's result:\n", 1)[1])


def test_no_operation_is_left_without_a_call() -> None:
    """The operations without one are those the gateway's clients never call."""
    left = {i.operation for u in UPSTREAMS for i in u.interactions if not i.call}
    assert left == {"GetAvailableDates", "GetAllTimeTypes", "GetListingTypes"}


@pytest.mark.parametrize(("upstream", "operation"), CALLABLE)
def test_every_callable_operation(
    upstream: str,
    operation: str,
    config: Path,
    mocks: RunningServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    patient = PATIENTS.get(operation, "adult-rules")
    status, out, err = call(
        capsys, upstream, operation, "--patient", patient, "--config", str(config)
    )
    assert (status, err) == (0, "")
    assert f"== {upstream} {operation} request: " in out
    assert "== response: HTTP 200 in " in out
    assert re.search(rf"== {upstream} {operation}: [0-9.]+ ms in all", out)
    assert result_of(out) is not None
    assert mask_text(out) == out, "an identity number printed in clear"
    requests.post(f"{mocks.url}/mocks/{upstream}/_admin/reset", timeout=10).raise_for_status()


def test_built_in_mocks_pretty_and_masked(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = call(capsys, "cosmic", "GetMedicationHistory", "--patient", "adult-rules")
    assert status == 0
    assert "\n  <soap-env:Body>\n" in out  # the request, pretty-printed
    assert "19680415****" in out and ADULT_RULES not in out
    records = result_of(out)["records"]
    assert records and all(r["read_drug"] for r in records)


def test_show_identities(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = call(
        capsys, "ehm_nll", "SearchMedicationRequest", "--config", str(config), "--show-identities"
    )
    assert status == 0
    assert f"%7C{ADULT_RULES}" in out  # the query, as sent
    assert '"resourceType": "Bundle"' in out  # the FHIR answer, pretty-printed


def test_an_upstream_failure_is_shown_with_status_1(
    config: Path, mocks: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = f"{mocks.url}/mocks/population/_admin"
    try:
        fault = {"type": "soap_fault", "code": "VP009", "message": f"down for {ADULT_RULES}"}
        requests.post(f"{admin}/faults", json=fault, timeout=10).raise_for_status()
        status, out, _ = call(
            capsys, "population", "LookupResidentForFullProfile", "--config", str(config)
        )
        assert status == 1
        assert "== response: HTTP 500" in out and "<faultstring>VP009" in out
        assert result_of(out)["error"] == "UPSTREAM_FAULT"
        assert ADULT_RULES not in out
        requests.post(f"{admin}/faults", json={"type": "reset"}, timeout=10).raise_for_status()
        status, out, _ = call(
            capsys, "population", "LookupResidentForFullProfile", "--config", str(config)
        )
        assert status == 1
        assert "== no answer after" in out and "UPSTREAM_UNAVAILABLE" in out
    finally:
        requests.post(f"{admin}/reset", timeout=10).raise_for_status()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nope", "X"], "no upstream 'nope': one of cosmic, "),
        (["cosmic", "Nope"], "cosmic has no operation 'Nope': callable: GetMedicationHistory"),
        (["cosmic", "GetAllTimeTypes"], "no client method for cosmic GetAllTimeTypes: callable: "),
        (["cosmic", "GetMedicationHistory", "--patient", "nobody"], "no one labelled 'nobody'"),
        (["cosmic", "GetMedicationHistory", "--patient", "196804152385"], "check digit"),
        (["cosmic", "GetMedicationHistory", "--unit", "x"], "--unit: a unit id is an HSA-id"),
        (["cosmic", "GetBookingDetails"], "the patient has no booking at SE2321000057-5VTN"),
    ],
)
def test_refused_in_one_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = call(capsys, *arguments)
    assert status == 2
    assert err.startswith("etjanst call: ") and message in err
    assert err.count("\n") == 1 and "196804152385" not in err


def test_a_settings_file_without_the_upstream(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text('today = "2026-11-25"\n', encoding="utf-8")
    status, _, err = call(capsys, "frikort", "GetCardForPerson", "--config", str(empty))
    assert status == 2 and "gives no url for upstreams.frikort" in err
