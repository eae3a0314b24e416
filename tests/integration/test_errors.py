"""Every error the ordinations endpoint can give, provoked over real HTTP through the mock's
admin API (faults and stubs) or bad input."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta

import jwt
import pytest
import requests

from contracts.privacy import mask
from etjanst.server import combined_app, serve_in_thread
from tests.conftest import ADMIN, SECRET, TENHULT, make_settings, metric

Get = Callable[..., requests.Response]
Admin = Callable[..., requests.Response]


def problem(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["correlationId"] == response.headers["X-Correlation-ID"]
    assert {"type", "title", "detail"} <= body.keys()
    return body


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (
            {"type": "soap_fault", "code": "VP009", "message": "Producer down"},
            502,
            "UPSTREAM_FAULT",
        ),
        ({"type": "malformed"}, 502, "UPSTREAM_INVALID_RESPONSE"),
        ({"type": "http_status", "status": 503}, 503, "UPSTREAM_UNAVAILABLE"),
        (
            {"type": "http_status", "status": 404, "body": "<html/>"},
            502,
            "UPSTREAM_INVALID_RESPONSE",
        ),
        ({"type": "reset"}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "latency", "ms": 3500}, 504, "UPSTREAM_TIMEOUT"),
        (
            {"type": "result", "resultCode": "ERROR", "message": "Tekniskt fel"},
            502,
            "UPSTREAM_ERROR",
        ),
    ],
)
def test_upstream_trouble_becomes_a_problem(
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Admin,
    fault: dict,
    status: int,
    code: str,
) -> None:
    assert mock_admin("POST", "faults", json={**fault, "times": 1}).status_code == 201
    body = problem(ordinations(patients["adult-rules"]), status, code)
    assert patients["adult-rules"] not in body["detail"]
    assert ordinations(patients["adult-rules"]).status_code == 200  # times: 1 is used up


def test_soap_fault_text_reaches_the_problem_detail_masked(
    ordinations: Get, patients: dict[str, str], mock_admin: Admin
) -> None:
    patient = patients["adult-rules"]
    fault = {"type": "soap_fault", "code": "VP004", "message": f"No route for {patient}"}
    mock_admin("POST", "faults", json=fault)
    detail = problem(ordinations(patient), 502, "UPSTREAM_FAULT")["detail"]
    assert "VP004" in detail and patient not in detail and patient[:8] + "****" in detail


def test_info_result_is_a_success_with_a_notice(
    ordinations: Get, patients: dict[str, str], mock_admin: Admin
) -> None:
    mock_admin(
        "POST",
        "faults",
        json={
            "type": "result",
            "resultCode": "INFO",
            "message": "Delar av journalen kunde inte hämtas",
        },
    )
    body = ordinations(patients["adult-rules"]).json()
    assert body["notice"] == "Delar av journalen kunde inte hämtas"
    assert "Alvedon" in [o["name"] for o in body["ordinations"]]


def test_fault_matched_on_patient_leaves_others_alone(
    ordinations: Get, patients: dict[str, str], mock_admin: Admin
) -> None:
    mock_admin(
        "POST", "faults", json={"type": "soap_fault", "match": {"patient": patients["no-records"]}}
    )
    assert ordinations(patients["adult-rules"]).status_code == 200
    problem(ordinations(patients["no-records"]), 502, "UPSTREAM_FAULT")


def _stub(body: str) -> dict:
    return {"operation": "GetMedicationHistory", "status": 200, "body": body}


ENVELOPE = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>{}</s:Body></s:Envelope>'
R = "urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistoryResponder:2"
C = "urn:riv:clinicalprocess:activityprescription:actoutcome:2"


def drift_count(http: requests.Session, base_url: str) -> float:
    text = http.get(f"{base_url}/metrics", timeout=10).text
    return metric(
        text, "etjanst_upstream_drift_total", upstream="cosmic", operation="GetMedicationHistory"
    )


def test_elements_the_schema_does_not_know_never_break_the_call_and_are_counted(
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Admin,
    http: requests.Session,
    base_url: str,
) -> None:
    before = drift_count(http, base_url)
    assert ordinations(patients["adult-rules"]).status_code == 200
    assert drift_count(http, base_url) == before  # the mock's own answers are all in contract
    record = f"""<r:medicationMedicalRecord xmlns:x="urn:example:future:1">
      <c:medicationMedicalRecordHeader><c:documentId>d1</c:documentId>
        <c:sourceSystemHSAId>SE2321000057-7P8R</c:sourceSystemHSAId>
        <c:patientId><c:id>{mask(patients["adult-rules"])}</c:id><c:type>1.2.752.129.2.1.3.1</c:type></c:patientId>
        <c:accountableHealthcareProfessional><c:authorTime>20260101093000</c:authorTime>
          <c:healthcareProfessionalCareUnitHSAId>{TENHULT}</c:healthcareProfessionalCareUnitHSAId>
          <c:newFieldFrom2027>?</c:newFieldFrom2027>
        </c:accountableHealthcareProfessional>
        <c:approvedForPatient>true</c:approvedForPatient></c:medicationMedicalRecordHeader>
      <c:medicationMedicalRecordBody><c:medicationPrescription>
        <c:prescriptionId><c:root>x</c:root><c:extension>RX-new</c:extension></c:prescriptionId>
        <c:typeOfPrescription>I</c:typeOfPrescription><c:prescriptionStatus>Active</c:prescriptionStatus>
        <c:selfMedication>false</c:selfMedication>
        <c:drug><c:drug><c:nplId><c:code>1</c:code><c:displayName>Framtidsdrog</c:displayName></c:nplId>
          <c:pharmaceuticalForm>Tablett</c:pharmaceuticalForm><c:strength>5</c:strength>
          <c:strengthUnit>mg</c:strengthUnit><x:colour>blue</x:colour></c:drug></c:drug>
        <x:futureBlock><x:inner>1</x:inner></x:futureBlock>
      </c:medicationPrescription></c:medicationMedicalRecordBody></r:medicationMedicalRecord>"""
    response = f"""<r:GetMedicationHistoryResponse xmlns:r="{R}" xmlns:c="{C}">{record}
      <r:result><c:resultCode>OK</c:resultCode><c:logId>1</c:logId></r:result>
      <r:unknownTrailer>t</r:unknownTrailer></r:GetMedicationHistoryResponse>"""
    mock_admin("POST", "stubs", json=_stub(ENVELOPE.format(response)))
    listed = ordinations(patients["adult-rules"]).json()["ordinations"]
    assert [(o["name"], o["strength"], o["form"]) for o in listed] == [
        ("Framtidsdrog", "5 mg", "Tablett")
    ]
    assert drift_count(http, base_url) == before + 1


@pytest.mark.parametrize(
    "payload",
    [
        "<nonsense/>",  # not the expected answer element
        f'<r:GetMedicationHistoryResponse xmlns:r="{R}"/>',  # no result
        f'<r:GetMedicationHistoryResponse xmlns:r="{R}" xmlns:c="{C}"><r:result>'
        "<c:resultCode>MAYBE</c:resultCode></r:result></r:GetMedicationHistoryResponse>",
    ],
)
def test_unusable_answers(
    ordinations: Get, patients: dict[str, str], mock_admin: Admin, payload: str
) -> None:
    mock_admin("POST", "stubs", json=_stub(ENVELOPE.format(payload)))
    problem(ordinations(patients["adult-rules"]), 502, "UPSTREAM_INVALID_RESPONSE")


def test_not_xml_at_all(ordinations: Get, patients: dict[str, str], mock_admin: Admin) -> None:
    mock_admin("POST", "stubs", json={**_stub("{}"), "contentType": "application/json"})
    problem(ordinations(patients["adult-rules"]), 502, "UPSTREAM_INVALID_RESPONSE")


def test_connection_refused_is_unavailable(
    tmp_path_factory: pytest.TempPathFactory, patients: dict[str, str], token: Callable[..., str]
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(upstreams={"cosmic": {"url": f"http://127.0.0.1:{port}/x"}})
    server = serve_in_thread(lambda url: combined_app(settings, url, tmp_path_factory.mktemp("s")))
    try:
        response = requests.get(
            f"{server.url}/v1/units/{TENHULT}/ordinations",
            headers={"Authorization": f"Bearer {token(patients['adult-rules'])}"},
            timeout=10,
        )
        problem(response, 503, "UPSTREAM_UNAVAILABLE")
    finally:
        server.stop()


@pytest.fixture
def get_raw(base_url: str) -> Iterator[Callable[..., requests.Response]]:
    with requests.Session() as session:
        yield lambda path, **headers: session.get(f"{base_url}{path}", headers=headers, timeout=10)


def test_unknown_unit_404_and_malformed_unit_400(
    ordinations: Get, patients: dict[str, str]
) -> None:
    problem(ordinations(patients["adult-rules"], unit="SE2321000057-ZZZ9"), 404, "UNIT_NOT_FOUND")
    problem(ordinations(patients["adult-rules"], unit="not-a-unit"), 400, "INVALID_UNIT")


def test_unit_without_the_service_is_404(ordinations: Get, patients: dict[str, str]) -> None:
    problem(
        ordinations(patients["adult-rules"], unit="SE2321000057-5SXK"), 404, "SERVICE_NOT_OFFERED"
    )


def _bearer(claims: dict, key: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Bearer " + jwt.encode(claims, key, algorithm="HS256")}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not.a.jwt"},
        _bearer(
            {"sub": "191212121212", "exp": 4102444800}, key="another-key-0123456789-0123456789"
        ),
        _bearer({"sub": "191212121213", "exp": 4102444800}),  # bad check digit
        _bearer({"sub": "191212121212", "act_for": "2014", "exp": 4102444800}),
        _bearer({"sub": "191212121212"}),  # no exp
        _bearer({"sub": "191212121212", "exp": 1000}),  # expired
    ],
)
def test_missing_or_invalid_token_is_401(
    get_raw: Callable[..., requests.Response], headers: dict[str, str]
) -> None:
    response = get_raw(f"/v1/units/{TENHULT}/ordinations", **headers)
    body = problem(response, 401, "UNAUTHENTICATED")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "191212121212" not in body["detail"]


def test_expired_by_ttl(
    ordinations: Get, token: Callable[..., str], base_url: str, patients: dict[str, str]
) -> None:
    stale = token(patients["adult-rules"], ttl=timedelta(seconds=-120))
    response = requests.get(
        f"{base_url}/v1/units/{TENHULT}/ordinations",
        headers={"Authorization": f"Bearer {stale}"},
        timeout=10,
    )
    assert "expired" in problem(response, 401, "UNAUTHENTICATED")["detail"]


def test_correlation_id_is_taken_or_made(get_raw: Callable[..., requests.Response]) -> None:
    assert (
        get_raw("/healthz", **{"X-Correlation-ID": "abc-123"}).headers["X-Correlation-ID"]
        == "abc-123"
    )
    made = get_raw("/healthz", **{"X-Correlation-ID": "bad id with spaces"}).headers[
        "X-Correlation-ID"
    ]
    assert made != "bad id with spaces" and len(made) == 36


def test_unknown_route_and_method_are_problems(
    get_raw: Callable[..., requests.Response], base_url: str
) -> None:
    problem(get_raw("/v1/nothing"), 404, "NOT_FOUND")
    response = requests.post(f"{base_url}/v1/units/{TENHULT}/ordinations", timeout=10)
    problem(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in response.headers["Allow"]


def test_admin_path_is_served_by_the_mock(http: requests.Session, base_url: str) -> None:
    assert http.get(f"{base_url}{ADMIN}/faults", timeout=10).json() == {"faults": []}


def test_no_identity_number_in_any_log_line(
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Admin,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Even the DEBUG log of whole envelopes, and a fault that quotes the patient."""
    patient = patients["adult-rules"]
    mock_admin(
        "POST",
        "faults",
        json={"type": "soap_fault", "message": f"nothing for {patient}", "times": 1},
    )
    with caplog.at_level(logging.DEBUG):
        ordinations(patient)
        ordinations(patient)
    assert "etjanst.upstream.wire" in {r.name for r in caplog.records}  # envelopes were logged
    assert patient[:8] + "****" in caplog.text
    assert patient not in caplog.text


def test_entities_in_an_answer_are_never_resolved(
    ordinations: Get, patients: dict[str, str], mock_admin: Admin
) -> None:
    answer = (
        '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
        + ENVELOPE.format(
            f'<r:GetMedicationHistoryResponse xmlns:r="{R}" xmlns:c="{C}"><r:result>'
            "<c:resultCode>INFO</c:resultCode><c:logId>1</c:logId><c:message>&leak;</c:message>"
            "</r:result></r:GetMedicationHistoryResponse>"
        )
    )
    mock_admin("POST", "stubs", json=_stub(answer))
    response = ordinations(patients["adult-rules"])
    assert "root:" not in response.text
