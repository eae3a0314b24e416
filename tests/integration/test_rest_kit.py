"""The kit's REST adapter and the gateway's REST client, over real HTTP, with the example
upstream of the tests (tests/example_upstream): mutable state that is atomic under concurrent
writers, the admin API, faults, stubs, the journal, and a handler that fails."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from prometheus_client import CollectorRegistry

from etjanst.server import RunningServer, serve_in_thread
from gateway.domain.identity import parse_identity
from gateway.errors import (
    UpstreamFault,
    UpstreamInvalidResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.upstreams.http import UpstreamContext, UpstreamMetrics
from gateway.upstreams.settings import UpstreamSettings
from mocks.app import create_mocks_app
from mocks.kit.config import MockConfig
from tests.conftest import TODAY
from tests.example_upstream import UPSTREAM
from tests.example_upstream.client import RemindersClient
from tests.example_upstream.mock import PATIENT

FIRST = "Vaccination after 2026-11-25"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    config = MockConfig(tmp_path_factory.mktemp("rest") / "mocks.sqlite3", today=TODAY)
    running = serve_in_thread(lambda url: create_mocks_app(config, upstreams=(UPSTREAM,)))
    yield running
    running.stop()


@pytest.fixture
def admin(server: RunningServer) -> Iterator[str]:
    url = f"{server.url}{UPSTREAM.mock_path}/_admin"
    yield url
    requests.post(f"{url}/reset", timeout=10).raise_for_status()


@pytest.fixture
def client(server: RunningServer, admin: str) -> RemindersClient:
    settings = UpstreamSettings(url=server.url + UPSTREAM.mock_path, read_timeout_s=0.5)
    return RemindersClient(settings, UpstreamContext("SE1", UpstreamMetrics(CollectorRegistry())))


PERSON = parse_identity(PATIENT)


def test_state_is_read_changed_and_reset(client: RemindersClient, admin: str) -> None:
    assert client.reminders(PERSON) == [FIRST]
    number = client.remind(PERSON, "Blood test")
    assert client.reminder(number) == "Blood test"
    assert client.reminders(PERSON) == [FIRST, "Blood test"]
    requests.post(f"{admin}/reset", timeout=10).raise_for_status()
    assert client.reminders(PERSON) == [FIRST]


def test_concurrent_writers_never_share_a_number(client: RemindersClient) -> None:
    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(lambda n: client.remind(PERSON, f"r{n}"), range(20)))
    assert len(set(numbers)) == 20
    assert len(client.reminders(PERSON)) == 21


def test_a_new_dataset_replaces_the_state(client: RemindersClient, admin: str) -> None:
    client.remind(PERSON, "gone after the PUT")
    document = {"reminders": [{"patient": PATIENT, "text": "only this"}]}
    put = requests.put(f"{admin}/dataset", json=document, timeout=10)
    assert put.status_code == 200 and put.json()["summary"] == {"reminders": 1}
    assert client.reminders(PERSON) == ["only this"]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"type": "http_status", "status": 503}, UpstreamUnavailable),
        ({"type": "malformed"}, UpstreamInvalidResponse),
        ({"type": "latency", "ms": 1500}, UpstreamTimeout),
        ({"type": "reset"}, UpstreamUnavailable),
    ],
)
def test_faults_become_the_gateways_upstream_errors(
    client: RemindersClient, admin: str, fault: dict[str, object], error: type[Exception]
) -> None:
    rule = {**fault, "operation": "SearchReminders", "match": {"patient": PATIENT}, "times": 1}
    assert requests.post(f"{admin}/faults", json=rule, timeout=10).status_code == 201
    with pytest.raises(error):
        client.reminders(PERSON)
    assert client.reminders(PERSON) == [FIRST]  # used up


def test_only_the_protocols_fault_types_are_accepted(admin: str) -> None:
    refused = requests.post(f"{admin}/faults", json={"type": "soap_fault"}, timeout=10)
    assert refused.status_code == 400
    document = requests.get(f"{admin}/openapi.json", timeout=10).json()
    mapping = document["components"]["schemas"]["Fault"]["discriminator"]["mapping"]
    assert set(mapping) == {
        *("latency", "hang", "http_status", "empty", "malformed", "reset"),
        *("truncate", "undeclared", "large", "error"),
    }


def test_an_error_document_is_a_fault_with_its_detail(client: RemindersClient) -> None:
    with pytest.raises(UpstreamFault, match="no reminder 999999"):
        client.reminder("999999")


def test_a_stub_is_served_verbatim(client: RemindersClient, admin: str) -> None:
    stub = {
        "operation": "SearchReminders",
        "body": '{"reminders": [{"text": "canned"}]}',
        "contentType": "application/json",
    }
    assert requests.post(f"{admin}/stubs", json=stub, timeout=10).status_code == 201
    assert client.reminders(PERSON) == ["canned"]


def test_a_failing_handler_is_an_error_answer_and_a_journal_entry(
    server: RunningServer, admin: str
) -> None:
    url = f"{server.url}{UPSTREAM.mock_path}/Reminder/boom"
    response = requests.get(url, timeout=10)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"status": 500, "detail": "the mock failed: RuntimeError"}
    entry = requests.get(f"{admin}/journal?limit=1", timeout=10).json()["exchanges"][-1]
    assert entry["operation"] == "ReadReminder" and entry["response"]["status"] == 500


def test_journal_keeps_method_path_and_query_masked(client: RemindersClient, admin: str) -> None:
    requests.delete(f"{admin}/journal", timeout=10).raise_for_status()
    client.reminders(PERSON)
    (entry,) = requests.get(f"{admin}/journal", timeout=10).json()["exchanges"]
    assert entry["operation"] == "SearchReminders"
    assert (entry["request"]["method"], entry["request"]["path"]) == (
        "GET",
        "/mocks/reminders/Reminder",
    )
    assert entry["request"]["query"] == "patient=19121212****"
    assert PATIENT not in str(entry)


def test_the_index_and_the_openapi_document_are_served(server: RunningServer) -> None:
    index = requests.get(f"{server.url}/mocks/", timeout=10).json()["mocks"]["reminders"]
    assert index["protocol"] == "rest" and "wsdl" not in index
    assert index["endpoints"]["ReadReminder"] == f"{server.url}/mocks/reminders/Reminder/<number>"
    openapi = requests.get(f"{server.url}/mocks/reminders/openapi.json", timeout=10).json()
    assert "/Reminder" in openapi["paths"]


def test_bad_json_is_a_client_error(server: RunningServer) -> None:
    response = requests.post(
        f"{server.url}/mocks/reminders/Reminder", data=b"{not json", timeout=10
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "the body is not a JSON document"


def test_rest_faults_that_change_the_real_answer(client: RemindersClient, admin: str) -> None:
    def fault(document: dict[str, object]) -> None:
        rule = {**document, "operation": "SearchReminders", "times": 1}
        assert requests.post(f"{admin}/faults", json=rule, timeout=10).status_code == 201

    fault({"type": "large", "records": 40})
    assert client.reminders(PERSON) == [FIRST] * 40
    fault({"type": "undeclared"})
    assert client.reminders(PERSON) == [FIRST]  # an unknown field breaks nothing
    fault({"type": "error", "status": 404, "message": "no such patient"})
    with pytest.raises(UpstreamFault, match="HTTP 404: no such patient"):
        client.reminders(PERSON)
    fault({"type": "empty"})
    with pytest.raises(UpstreamInvalidResponse):
        client.reminders(PERSON)
    journal = requests.get(f"{admin}/journal?limit=4", timeout=10).json()["exchanges"]
    assert [e["shapedBy"]["type"] for e in journal] == ["large", "undeclared", "error", "empty"]
    assert '"etjanstUndeclared"' in journal[1]["response"]["body"]
