"""The fault catalogue every mock has, and what the gateway makes of each fault, over real
HTTP: ordinations through the gateway with a fault on the Cosmic mock, and the journal naming
the rule that shaped each answer."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
from lxml import etree

from contracts.cosmic import RESPONDER_NS
from tests.conftest import PNR_OID, metric
from tests.integration.test_errors import problem

Get = Callable[..., requests.Response]
Admin = Callable[..., requests.Response]
RECORD = f"{{{RESPONDER_NS}}}medicationMedicalRecord"


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"type": "empty"}, 502, "UPSTREAM_INVALID_RESPONSE"),
        ({"type": "empty", "status": 503}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "truncate", "bytes": 300}, 502, "UPSTREAM_INVALID_RESPONSE"),
        ({"type": "hang", "ms": 3500}, 504, "UPSTREAM_TIMEOUT"),  # read timeout 3 s here
    ],
)
def test_faults_the_gateway_cannot_use(
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Admin,
    fault: dict[str, object],
    status: int,
    code: str,
) -> None:
    mock_admin("DELETE", "journal")
    created = mock_admin("POST", "faults", json={**fault, "times": 1}).json()
    problem(ordinations(patients["adult-rules"]), status, code)
    deadline = time.monotonic() + 10  # a hang is journalled when it ends, after the client left
    while not (journal := mock_admin("GET", "journal").json()["exchanges"]):
        assert time.monotonic() < deadline, "the exchange never reached the journal"
        time.sleep(0.1)
    assert journal[-1]["shapedBy"] == {"kind": "fault", "id": created["id"], "type": fault["type"]}


def test_random_latency_within_its_range_is_still_served(
    ordinations: Get, patients: dict[str, str], mock_admin: Admin
) -> None:
    mock_admin("POST", "faults", json={"type": "latency", "ms": 10, "maxMs": 60, "times": 1})
    assert ordinations(patients["adult-rules"]).status_code == 200
    refused = mock_admin("POST", "faults", json={"type": "latency", "ms": 50, "maxMs": 10})
    assert refused.status_code == 400 and "maxMs" in refused.json()["detail"]


def test_undeclared_elements_are_tolerated_and_counted_as_drift(
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Admin,
    base_url: str,
    http: requests.Session,
) -> None:
    labels = {"upstream": "cosmic", "operation": "GetMedicationHistory"}
    expected = [o["name"] for o in ordinations(patients["adult-rules"]).json()["ordinations"]]
    before = metric(
        http.get(f"{base_url}/metrics", timeout=10).text, "etjanst_upstream_drift_total", **labels
    )
    mock_admin("POST", "faults", json={"type": "undeclared", "times": 1})
    response = ordinations(patients["adult-rules"])
    assert [o["name"] for o in response.json()["ordinations"]] == expected
    after = metric(
        http.get(f"{base_url}/metrics", timeout=10).text, "etjanst_upstream_drift_total", **labels
    )
    assert after == before + 1
    body = mock_admin("GET", "journal?limit=1").json()["exchanges"][-1]["response"]["body"]
    assert "urn:etjanst:mocks:undeclared:1" in body


def test_a_large_answer_repeats_the_records(
    cosmic_call: Callable[..., requests.Response],
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Admin,
) -> None:
    mock_admin("POST", "faults", json={"type": "large", "records": 500, "times": 2})
    answer = cosmic_call(patientId={"id": patients["adult-rules"], "type": PNR_OID})
    assert len(etree.fromstring(answer.content).findall(f".//{RECORD}")) == 500
    # copies of the same records: the gateway's list is the same, only bigger to read
    listed = ordinations(patients["adult-rules"]).json()["ordinations"]
    assert [o["name"] for o in listed] == [
        o["name"] for o in ordinations(patients["adult-rules"]).json()["ordinations"]
    ]


def test_the_journal_names_a_stub(
    cosmic_call: Callable[..., requests.Response], patients: dict[str, str], mock_admin: Admin
) -> None:
    stub = {"operation": "GetMedicationHistory", "body": "<canned/>", "times": 1}
    created = mock_admin("POST", "stubs", json=stub).json()
    cosmic_call(patientId={"id": patients["no-records"], "type": PNR_OID})
    cosmic_call(patientId={"id": patients["no-records"], "type": PNR_OID})
    first, second = mock_admin("GET", "journal?limit=2").json()["exchanges"]
    assert first["shapedBy"] == {"kind": "stub", "id": created["id"], "type": None}
    assert "shapedBy" not in second  # the mock's own answer
