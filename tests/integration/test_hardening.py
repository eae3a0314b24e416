"""Hardening over real HTTP: bounded upstream answers and a total deadline per call, bounded
requests to the mocks, DTDs refused both ways, the admin API's credential, strict token claims,
log lines that cannot be forged, and unit ids without Unicode look-alikes."""

from __future__ import annotations

import logging
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from etjanst.server import RunningServer, combined_app, serve_in_thread
from tests.conftest import ADMIN, COSMIC_ENDPOINT, SECRET, TENHULT, make_settings, post_to_cosmic
from tests.integration.test_errors import ENVELOPE, C, R, _stub, problem

ADMIN_TOKEN = "admin-token-for-tests-0123456789"
ANSWER_LIMIT = 50_000  # below the mocks' own limit, so a stub can exceed it
REQUEST_LIMIT = 100_000


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Gateway and mocks with small limits and an admin credential."""
    settings = make_settings(
        upstreams={"cosmic": {"max_response_bytes": ANSWER_LIMIT}},
        mocks={"admin_token": ADMIN_TOKEN, "max_request_bytes": REQUEST_LIMIT},
    )
    state = tmp_path_factory.mktemp("bounded")
    running = serve_in_thread(lambda url: combined_app(settings, url, state))
    yield running
    running.stop()


def admin(server: RunningServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    return requests.request(
        method, f"{server.url}{ADMIN}/{path}", headers=headers, timeout=10, **kwargs
    )


def ordinations_at(url: str, token: str, unit: str = TENHULT) -> requests.Response:
    return requests.get(
        f"{url}/v1/units/{unit}/ordinations",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def signed(**claims: Any) -> str:
    return jwt.encode(claims, SECRET, algorithm="HS256")


def in_an_hour() -> int:
    return int((datetime.now(UTC) + timedelta(hours=1)).timestamp())


# --- upstream answers: size and time -----------------------------------------------------------


def test_an_answer_larger_than_the_limit_is_refused_unread(
    bounded: RunningServer, patients: dict[str, str]
) -> None:
    padding = "<!--" + "x" * ANSWER_LIMIT + "-->"
    stub = {**_stub(ENVELOPE.format(padding)), "times": 1}
    assert admin(bounded, "POST", "stubs", json=stub).status_code == 201
    response = ordinations_at(bounded.url, signed(sub=patients["adult-rules"], exp=in_an_hour()))
    body = problem(response, 502, "UPSTREAM_INVALID_RESPONSE")
    assert f"more than {ANSWER_LIMIT} bytes" in body["detail"]
    ok = ordinations_at(bounded.url, signed(sub=patients["adult-rules"], exp=in_an_hour()))
    assert ok.status_code == 200  # the pool is usable afterwards


class _Dripping(socketserver.BaseRequestHandler):
    """An upstream that answers at once, then sends its body one byte at a time: each read
    comes well within the read timeout, the whole never does."""

    def handle(self) -> None:
        self.request.recv(65536)
        self.request.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n"
        )
        try:
            for _ in range(1000):
                self.request.sendall(b" ")
                time.sleep(0.05)
        except OSError:  # the gateway gave up and closed the connection
            return


class _Chunked(socketserver.BaseRequestHandler):
    """An upstream whose answer has no Content-Length: chunks, more than the limit in all."""

    def handle(self) -> None:
        self.request.recv(65536)
        self.request.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"<!--" + b"x" * 9992 + b"-->\n"
        try:
            for _ in range(2 * ANSWER_LIMIT // len(chunk)):
                self.request.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.request.sendall(b"0\r\n\r\n")
        except OSError:  # the gateway gave up and closed the connection
            return


@contextmanager
def raw_upstream(handler: type[socketserver.BaseRequestHandler]) -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dripping() -> Iterator[str]:
    with raw_upstream(_Dripping) as url:
        yield url


def test_a_chunked_answer_is_cut_at_the_limit(patients: dict[str, str], tmp_path: Path) -> None:
    with raw_upstream(_Chunked) as upstream:
        settings = make_settings(
            upstreams={"cosmic": {"url": upstream, "max_response_bytes": ANSWER_LIMIT}}
        )
        running = serve_in_thread(lambda url: combined_app(settings, url, tmp_path))
        try:
            token = signed(sub=patients["adult-rules"], exp=in_an_hour())
            response = ordinations_at(running.url, token)
        finally:
            running.stop()
    body = problem(response, 502, "UPSTREAM_INVALID_RESPONSE")
    assert f"more than {ANSWER_LIMIT} bytes" in body["detail"]


def test_an_answer_that_trickles_in_ends_at_the_deadline(
    dripping: str, patients: dict[str, str], tmp_path: Path
) -> None:
    settings = make_settings(
        upstreams={"cosmic": {"url": dripping, "read_timeout_s": 5, "deadline_s": 1.5}}
    )
    running = serve_in_thread(lambda url: combined_app(settings, url, tmp_path))
    try:
        response = ordinations_at(
            running.url, signed(sub=patients["adult-rules"], exp=in_an_hour())
        )
    finally:
        running.stop()
    assert "longer than 1.5 s" in problem(response, 504, "UPSTREAM_TIMEOUT")["detail"]


def test_a_503_with_an_html_page_is_unavailable(
    ordinations: Callable[..., requests.Response],
    patients: dict[str, str],
    mock_admin: Callable[..., requests.Response],
) -> None:
    page = "<html><body><h1>503 Service Unavailable</h1></body></html>"
    mock_admin("POST", "faults", json={"type": "http_status", "status": 503, "body": page})
    problem(ordinations(patients["adult-rules"]), 503, "UPSTREAM_UNAVAILABLE")


# --- requests to the mocks ---------------------------------------------------------------------


def _journal(server: RunningServer) -> list[dict[str, Any]]:
    return admin(server, "GET", "journal").json()["exchanges"]


def test_a_request_with_a_dtd_is_a_client_fault_in_the_journal(bounded: RunningServer) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY e "x">]>'
        + ENVELOPE.format("<x>&e;</x>").encode()
    )
    with requests.Session() as http:
        response = post_to_cosmic(http, bounded.url, body)
    assert response.status_code == 500
    assert "<faultcode>soap:Client</faultcode>" in response.text
    assert "document type declaration" in response.text
    last = _journal(bounded)[-1]
    assert last["request"]["path"] == COSMIC_ENDPOINT and last["response"]["status"] == 500


def test_a_request_larger_than_the_limit_is_a_client_fault_in_the_journal(
    bounded: RunningServer,
) -> None:
    body = ENVELOPE.format("<x/>" * (REQUEST_LIMIT // 4)).encode()
    with requests.Session() as http:
        response = post_to_cosmic(http, bounded.url, body)
    assert response.status_code == 500
    assert "<faultcode>soap:Client</faultcode>" in response.text
    assert f"larger than {REQUEST_LIMIT} bytes" in response.text
    assert f"larger than {REQUEST_LIMIT} bytes" in _journal(bounded)[-1]["request"]["body"]


def test_an_admin_document_larger_than_the_limit_is_413(bounded: RunningServer) -> None:
    response = admin(bounded, "PUT", "dataset", json={"patients": [], "x": "y" * REQUEST_LIMIT})
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/problem+json")


# --- the admin API's credential ----------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {ADMIN_TOKEN}"])
def test_the_admin_api_needs_its_credential_when_one_is_set(
    bounded: RunningServer, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in (("GET", "faults"), ("POST", "reset"), ("DELETE", "journal")):
        response = requests.request(
            method, f"{bounded.url}{ADMIN}/{path}", headers=headers, timeout=10
        )
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "UNAUTHORISED"
    assert admin(bounded, "GET", "faults").json() == {"faults": []}


# --- entities in an answer ---------------------------------------------------------------------


def test_an_answer_with_entities_is_an_invalid_response(
    ordinations: Callable[..., requests.Response],
    patients: dict[str, str],
    mock_admin: Callable[..., requests.Response],
) -> None:
    answer = '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY e "x">]>' + ENVELOPE.format(
        f'<r:GetMedicationHistoryResponse xmlns:r="{R}" xmlns:c="{C}"><r:result>'
        "<c:resultCode>INFO</c:resultCode><c:logId>1</c:logId><c:message>&e;</c:message>"
        "</r:result></r:GetMedicationHistoryResponse>"
    )
    mock_admin("POST", "stubs", json=_stub(answer))
    problem(ordinations(patients["adult-rules"]), 502, "UPSTREAM_INVALID_RESPONSE")


# --- token claims ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "detail"),
    [
        ({"exp": "IN_AN_HOUR_AS_TEXT"}, "the token's exp claim is not a number"),
        ({"exp": 253402300799}, "the token is valid for longer than 86400 s"),  # 9999-12-31
        ({"iat": 0}, "the token is valid for longer than 86400 s"),
        ({"act_for": 201408171856}, "the token's act_for claim is not a string"),
    ],
)
def test_token_claims_are_taken_strictly(
    base_url: str, patients: dict[str, str], claims: dict[str, Any], detail: str
) -> None:
    values = {"sub": patients["adult-rules"], "exp": in_an_hour(), **claims}
    if values["exp"] == "IN_AN_HOUR_AS_TEXT":
        values["exp"] = str(in_an_hour())
    body = problem(ordinations_at(base_url, signed(**values)), 401, "UNAUTHENTICATED")
    assert body["detail"] == detail


def test_a_token_within_the_maximum_lifetime_is_accepted(
    base_url: str, patients: dict[str, str]
) -> None:
    now = int(datetime.now(UTC).timestamp())
    token = signed(sub=patients["adult-rules"], iat=now, exp=now + 86400)
    assert ordinations_at(base_url, token).status_code == 200


# --- log lines and unit ids --------------------------------------------------------------------


def test_upstream_text_cannot_write_a_log_line_of_its_own(
    ordinations: Callable[..., requests.Response],
    patients: dict[str, str],
    mock_admin: Callable[..., requests.Response],
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = "down\n2026-11-25 10:00:00 INFO etjanst.gateway all well\r\t680415-2384"
    mock_admin("POST", "faults", json={"type": "soap_fault", "message": message, "times": 1})
    with caplog.at_level(logging.INFO):
        problem(ordinations(patients["adult-rules"]), 502, "UPSTREAM_FAULT")
    lines = [r.getMessage() for r in caplog.records if "UPSTREAM_FAULT" in r.getMessage()]
    assert len(lines) == 1, caplog.text
    assert "\n" not in lines[0] and "\r" not in lines[0] and "\t" not in lines[0]
    assert "down\\n2026-11-25" in lines[0] and "well\\r\\t680415" in lines[0]
    assert "680415****" in lines[0] and "2384" not in lines[0]


@pytest.mark.parametrize(
    "unit",
    [
        "\u017fE2321000057-5VTN",  # long s: 'S' only under Unicode case folding
        "SE\uff12\uff13\uff12\uff11000057-5VTN",  # full-width digits
        "SE2321000057-5V\u212aN",  # Kelvin sign: 'K' under case folding
    ],
)
def test_unit_ids_are_ascii(base_url: str, patients: dict[str, str], unit: str) -> None:
    token = signed(sub=patients["adult-rules"], exp=in_an_hour())
    problem(ordinations_at(base_url, token, unit), 400, "INVALID_UNIT")


# --- the admin API accepts only what the mock can serve ----------------------------------------


def _record(**changes: Any) -> dict[str, Any]:
    record = {
        "documentId": "d1",
        "careUnitHSAId": TENHULT,
        "authorTime": "2026-01-01T09:30:00",
        "prescriptionId": "RX-1",
        "drug": {"name": "Alvedon"},
    }
    return {**record, **changes}


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (
            "dataset",
            {"patients": [{"id": "196804152384", "records": [_record(drug={"name": "A\x1bB"})]}]},
        ),
        (
            "dataset",
            {"patients": [{"id": "196804152384", "records": [_record(documentId="d\n1")]}]},
        ),
        (
            "dataset",
            {
                "patients": [
                    {"id": "196804152384", "records": [_record(authorTime="0001-01-01T00:00:00")]}
                ]
            },
        ),
        ("dataset", {"patients": [{"id": "196804152384", "records": [_record()] * 5001}]}),
        ("faults", {"type": "result", "resultCode": "ERROR", "errorCode": "OOPS"}),
        ("faults", {"type": "soap_fault", "message": "down\x1b[2J"}),
        (
            "stubs",
            {
                "operation": "GetMedicationHistory",
                "body": "<x/>",
                "contentType": "text/xml\r\nX-Evil: 1",
            },
        ),
    ],
)
def test_the_admin_api_refuses_what_the_mock_could_not_serve(
    mock_admin: Callable[..., requests.Response], kind: str, document: dict[str, Any]
) -> None:
    method = "PUT" if kind == "dataset" else "POST"
    response = mock_admin(method, kind, json=document)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_DOCUMENT"


def test_a_dataset_within_the_bounds_is_served(
    mock_admin: Callable[..., requests.Response],
    ordinations: Callable[..., requests.Response],
) -> None:
    record = _record(drug={"unstructured": "rad ett\nrad två"})  # one drug choice, two lines
    dataset = {"patients": [{"id": "196804152384", "records": [record]}]}
    assert mock_admin("PUT", "dataset", json=dataset).status_code == 200
    listed = ordinations("196804152384").json()["ordinations"]
    assert [o["id"] for o in listed] == ["RX-1"]
