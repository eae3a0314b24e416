"""GET /v1/prescriptions over real HTTP: the gateway asks the NLL mock (FHIR) and applies the
listing rules; proxy rules, tolerant reading and every kind of upstream trouble."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from contracts.ehm.nll import SEARCH
from tests.conftest import metric
from tests.ehm_support import Ehm, ehm_server

ADULT = "196804152384"
SAMORDNINGSNUMMER = "199003722734"


@pytest.fixture(scope="module")
def ehm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ehm]:
    yield from ehm_server(tmp_path_factory.mktemp("ehm-nll"))


@pytest.fixture(autouse=True)
def fresh(ehm: Ehm) -> Iterator[None]:
    yield
    ehm.reset()


def listed(ehm: Ehm, subject: str = ADULT, act_for: str | None = None) -> list[dict]:
    answer = ehm.get("/v1/prescriptions", subject, act_for)
    assert answer.status_code == 200, answer.text
    return answer.json()["prescriptions"]


def bundle(*resources: dict) -> str:
    entries = [
        {"fullUrl": f"x/{r['id']}", "resource": r, "search": {"mode": "match"}} for r in resources
    ]
    return json.dumps({"resourceType": "Bundle", "type": "searchset", "total": 1, "entry": entries})


def stub(ehm: Ehm, body: str, status: int = 200) -> None:
    answer = ehm.admin(
        "nll",
        "POST",
        "stubs",
        json={
            "operation": SEARCH,
            "status": status,
            "body": body,
            "contentType": "application/fhir+json",
        },
    )
    assert answer.status_code == 201, answer.text


def test_only_prescriptions_with_something_left_are_listed_by_last_valid_day(ehm: Ehm) -> None:
    """Every listing rule of the default dataset: expired yesterday, each excluded status, all
    dispenses used, quantity used up, and dispenses that are not completed do not count."""
    found = listed(ehm)
    assert [p["id"] for p in found] == [
        "RX-last-valid-day",  # valid until today: still listed
        "RX-no-quantity",
        "RX-one-dispensed",  # same validUntil as the next: by name
        "RX-in-progress-not-counted",
    ]
    assert found[0] == {
        "id": "RX-last-valid-day",
        "name": "Alvedon 500 mg tablett",
        "nplId": "19750613000024",
        "dosage": "1-2 tabletter vid behov, högst 8 per dygn",
        "purpose": "vid smärta",
        "prescriber": "Anna Andersson, Tenhults vårdcentral",
        "prescribedOn": "2026-10-26",
        "validUntil": "2026-11-25",
        "dispensesLeft": 2,
        "quantityLeft": {"value": 100, "unit": "tablett"},
    }
    by_id = {p["id"]: p for p in found}
    # 1 + 2 repeats - 1 completed dispense; 300 - 100 tablets
    assert by_id["RX-one-dispensed"]["dispensesLeft"] == 2
    assert by_id["RX-one-dispensed"]["quantityLeft"] == {"value": 200, "unit": "tablett"}
    # an in-progress and a cancelled dispense leave the one dispense there is
    assert by_id["RX-in-progress-not-counted"]["dispensesLeft"] == 1
    assert by_id["RX-no-quantity"]["quantityLeft"] is None
    assert ehm.get("/v1/prescriptions", ADULT).json()["notice"] is None


def test_no_prescriptions_is_an_empty_list(ehm: Ehm) -> None:
    assert listed(ehm, ehm.patients("nll")["no-prescriptions"]) == []


def test_a_guardian_sees_a_child_under_13_but_not_one_of_13(ehm: Ehm) -> None:
    children = ehm.patients("nll")
    assert [p["id"] for p in listed(ehm, ADULT, children["child-12"])] == ["RX-child"]
    refused = ehm.get("/v1/prescriptions", ADULT, children["child-turns-13-today"])
    assert refused.status_code == 403
    assert refused.json()["code"] == "PROXY_NOT_ALLOWED"


def test_the_search_names_the_patient_and_carries_purpose_and_access(ehm: Ehm) -> None:
    ehm.admin("nll", "DELETE", "journal")
    listed(ehm, SAMORDNINGSNUMMER)
    (entry,) = ehm.admin("nll", "GET", "journal").json()["exchanges"]
    sent = entry["request"]
    assert entry["operation"] == SEARCH
    assert (sent["method"], sent["path"]) == ("GET", "/mocks/ehm_nll/MedicationRequest")
    query = unquote(sent["query"])
    assert "identifier/samordningsnummer|19900372****" in query
    assert "_revinclude=MedicationDispense:prescription" in query
    assert sent["headers"]["X-Purpose"] and sent["headers"]["X-Access"]
    assert SAMORDNINGSNUMMER not in json.dumps(entry)


def test_unknown_fields_and_extensions_are_tolerated_and_counted_as_drift(ehm: Ehm) -> None:
    before = metric(
        ehm.metrics(), "etjanst_upstream_drift_total", upstream="ehm_nll", operation=SEARCH
    )
    request = {
        "resourceType": "MedicationRequest",
        "id": "RX-new",
        "status": "active",
        "intent": "order",
        "authoredOn": "2026-11-01T10:00:00+01:00",
        "medicationCodeableConcept": {"text": "Nytt läkemedel"},
        "extension": [{"url": "http://electronichealth.se/fhir/x", "valueString": "y"}],
        "somethingNew": {"a": 1},
        "dispenseRequest": {"numberOfRepeatsAllowed": 0, "futureField": True},
    }
    stub(ehm, bundle(request))
    (found,) = listed(ehm)
    assert (found["id"], found["prescribedOn"], found["dispensesLeft"]) == (
        "RX-new",
        "2026-11-01",
        1,
    )
    after = metric(
        ehm.metrics(), "etjanst_upstream_drift_total", upstream="ehm_nll", operation=SEARCH
    )
    assert after == before + 1


def test_an_information_outcome_in_the_bundle_is_the_notice(ehm: Ehm) -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "id": "o",
        "issue": [
            {
                "severity": "information",
                "code": "informational",
                "diagnostics": "Listan kan vara ofullständig",
            }
        ],
    }
    stub(ehm, bundle(outcome))
    assert ehm.get("/v1/prescriptions", ADULT).json() == {
        "prescriptions": [],
        "notice": "Listan kan vara ofullständig",
    }


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"type": "http_status", "status": 503}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "http_status", "status": 500, "body": "boom"}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "malformed"}, 502, "UPSTREAM_INVALID_RESPONSE"),
        ({"type": "reset"}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "latency", "ms": 2500}, 504, "UPSTREAM_TIMEOUT"),
    ],
)
def test_upstream_trouble_maps_to_problems(ehm: Ehm, fault: dict, status: int, code: str) -> None:
    assert ehm.admin("nll", "POST", "faults", json={**fault, "times": 1}).status_code == 201
    answer = ehm.get("/v1/prescriptions", ADULT)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert ADULT not in answer.text


def test_an_operation_outcome_maps_like_a_soap_fault(ehm: Ehm) -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": "forbidden", "diagnostics": f"no access to {ADULT}"}
        ],
    }
    stub(ehm, json.dumps(outcome), status=403)
    answer = ehm.get("/v1/prescriptions", ADULT)
    assert (answer.status_code, answer.json()["code"]) == (502, "UPSTREAM_FAULT")
    assert "no access to 19680415****" in answer.json()["detail"]


def test_an_answer_that_is_not_a_bundle_is_unusable(ehm: Ehm) -> None:
    stub(ehm, json.dumps({"resourceType": "Patient", "id": "p"}))
    answer = ehm.get("/v1/prescriptions", ADULT)
    assert (answer.status_code, answer.json()["code"]) == (502, "UPSTREAM_INVALID_RESPONSE")
