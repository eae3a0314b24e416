"""Who may act for whom, over real HTTP: gateway -> population register mock. Every case of the
proxy rules (today pinned to 2026-11-25), /v1/me, the register failing, the cache and the
`token` mode.

Each gateway here is its own, in front of the session server's mocks, so that its register
cache is its own too (the session gateway's cache would make the order of tests matter).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from contracts.population import OPERATION, RESPONDER_NS
from contracts.population import UPSTREAM as POPULATION
from etjanst.server import RunningServer, serve_in_thread, with_builtin_upstreams
from gateway.app import create_app
from gateway.domain.identity import with_check_digit
from mocks.kit.soap import envelope
from tests.conftest import SECRET, TENHULT, make_settings, metric
from tests.test_readme import code_block, section

ADMIN = f"{POPULATION.mock_path}/_admin"
Get = Callable[..., requests.Response]


def start_gateway(base_url: str, **auth: Any) -> RunningServer:
    """A gateway alone, calling the session server's mocks."""
    settings = make_settings(
        auth={"hs256_secret": SECRET, **auth},
        upstreams={"population": {"read_timeout_s": 1.0}},
    )
    return serve_in_thread(lambda _url: create_app(with_builtin_upstreams(settings, base_url)))


@pytest.fixture(scope="module")
def people(base_url: str, http: requests.Session) -> dict[str, str]:
    """The register's default dataset by label."""
    http.post(f"{base_url}{ADMIN}/reset").raise_for_status()
    residents = http.get(f"{base_url}{ADMIN}/dataset", timeout=10).json()["residents"]
    return {r["label"]: r["id"] for r in residents}


@pytest.fixture(scope="module")
def uncached(base_url: str) -> Iterator[str]:
    """A gateway that asks the register on every request."""
    running = start_gateway(base_url, guardianship_cache_s=0)
    yield running.url
    running.stop()


@pytest.fixture
def register(base_url: str, http: requests.Session) -> Iterator[Callable[..., requests.Response]]:
    """The population mock's admin API; reset after the test."""

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return http.request(method, f"{base_url}{ADMIN}/{path}", timeout=10, **kwargs)

    yield call
    http.post(f"{base_url}{ADMIN}/reset").raise_for_status()


def calls(register: Callable[..., requests.Response]) -> int:
    """The register calls answered from its data. An earlier test's call held back by a latency
    fault may be journalled late, after this test cleared the journal: it is not counted."""
    exchanges = register("GET", "journal").json()["exchanges"]
    return sum(1 for exchange in exchanges if exchange.get("shapedBy") is None)


@pytest.fixture
def as_caller(
    http: requests.Session, token: Callable[..., str], people: dict[str, str]
) -> Callable[..., requests.Response]:
    """GET `path` on the gateway at `url` as the person labelled `who`, maybe acting for `child`."""

    def get(url: str, who: str, child: str | None = None, path: str = "") -> requests.Response:
        act_for = people[child] if child else None
        headers = {"Authorization": f"Bearer {token(people[who], act_for)}"}
        target = path or f"/v1/units/{TENHULT}/ordinations"
        return http.get(f"{url}{target}", headers=headers, timeout=30)

    return get


def refused(response: requests.Response, code: str) -> dict[str, Any]:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == code
    return body


def test_a_guardian_acts_for_a_child_under_13(uncached: str, as_caller: Get) -> None:
    response = as_caller(uncached, "adult-rules", "child-12")
    assert response.status_code == 200, response.text
    assert (response.json()["listAvailable"], response.json()["reason"]) == (False, "PROXY")


def test_a_parent_without_custody_is_not_the_guardian(uncached: str, as_caller: Get) -> None:
    refused(as_caller(uncached, "parent-not-guardian", "child-12"), "NOT_GUARDIAN")


def test_an_unrelated_adult_is_not_the_guardian(uncached: str, as_caller: Get) -> None:
    refused(as_caller(uncached, "no-records", "child-12"), "NOT_GUARDIAN")


def test_a_guardianship_that_ended_yesterday_counts_no_more(uncached: str, as_caller: Get) -> None:
    refused(as_caller(uncached, "adult-rules", "child-guardianship-ended"), "NOT_GUARDIAN")


def test_on_the_13th_birthday_the_proxy_ends(uncached: str, as_caller: Get) -> None:
    refused(as_caller(uncached, "adult-rules", "child-turns-13-today"), "PROXY_NOT_ALLOWED")


def test_a_child_with_protected_identity_is_refused(uncached: str, as_caller: Get) -> None:
    refused(as_caller(uncached, "adult-rules", "child-protected"), "PROTECTED_IDENTITY")


def test_a_refusal_says_nothing_more_about_the_child(
    uncached: str, as_caller: Get, people: dict[str, str]
) -> None:
    """The same words whichever child and whoever asks: no number, name or age."""
    bodies = [
        refused(as_caller(uncached, who, child), "NOT_GUARDIAN")
        for who, child in [
            ("no-records", "child-12"),
            ("no-records", "child-protected"),
            ("parent-not-guardian", "child-guardianship-ended"),
        ]
    ]
    assert len({(b["title"], b["detail"]) for b in bodies}) == 1
    protected = refused(as_caller(uncached, "adult-rules", "child-protected"), "PROTECTED_IDENTITY")
    for body in [*bodies, protected]:
        text = str(body)
        assert not any(people[label][:8] in text for label in people if label.startswith("child"))
        assert "Lindqvist" not in text and "Alva" not in text


def test_me_lists_the_children_and_why_not(
    uncached: str, as_caller: Get, people: dict[str, str]
) -> None:
    body = as_caller(uncached, "adult-rules", path="/v1/me").json()
    assert body == {
        "id": people["adult-rules"],
        "name": "Karin Lindqvist",  # Anna Karin, called by her second given name
        "age": 58,
        "actingFor": None,
        "children": [
            {
                "id": people["child-12"],
                "name": "Oskar Lindqvist",
                "age": 12,
                "canActFor": True,
                "reason": None,
            },
            {
                "id": people["child-turns-13-today"],
                "name": "Leo Lindqvist",
                "age": 13,
                "canActFor": False,
                "reason": "PROXY_NOT_ALLOWED",
            },
            {
                "id": people["child-protected"],
                "name": None,
                "age": 8,
                "canActFor": False,
                "reason": "PROTECTED_IDENTITY",
            },
        ],
    }  # not the child whose custody ended yesterday


def test_readme_me_example_is_what_the_server_answers(uncached: str, as_caller: Get) -> None:
    shown = json.loads(code_block(section("Acting for a child"), "json"))
    assert as_caller(uncached, "adult-rules", path="/v1/me").json() == shown


def test_me_while_acting_for_a_child(uncached: str, as_caller: Get, people: dict[str, str]) -> None:
    body = as_caller(uncached, "adult-rules", "child-12", path="/v1/me").json()
    assert body["actingFor"] == {"id": people["child-12"], "name": "Oskar Lindqvist", "age": 12}
    refused(as_caller(uncached, "parent-not-guardian", "child-12", path="/v1/me"), "NOT_GUARDIAN")


def test_me_without_children(uncached: str, as_caller: Get, people: dict[str, str]) -> None:
    body = as_caller(uncached, "parent-not-guardian", path="/v1/me").json()
    assert body == {
        "id": people["parent-not-guardian"],
        "name": "Peter Dahl",
        "age": 56,
        "actingFor": None,
        "children": [],
    }


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"type": "http_status", "status": 503}, 503, "UPSTREAM_UNAVAILABLE"),
        (
            {"type": "soap_fault", "code": "VP009", "message": "Error connecting"},
            502,
            "UPSTREAM_FAULT",
        ),
        ({"type": "latency", "ms": 1500}, 504, "UPSTREAM_TIMEOUT"),
    ],
)
def test_register_down_fails_proxies_closed_and_own_requests_still_work(
    uncached: str,
    as_caller: Get,
    register: Callable[..., requests.Response],
    fault: dict[str, Any],
    status: int,
    code: str,
) -> None:
    assert register("POST", "faults", json=fault).status_code == 201
    proxy = as_caller(uncached, "adult-rules", "child-12")
    assert (proxy.status_code, proxy.json()["code"]) == (status, code)
    own = as_caller(uncached, "adult-rules")
    assert own.status_code == 200, own.text
    assert own.json()["listAvailable"] is True


def test_one_register_call_for_repeated_requests(
    base_url: str,
    as_caller: Get,
    register: Callable[..., requests.Response],
    token: Callable[..., str],
    people: dict[str, str],
    http: requests.Session,
) -> None:
    running = start_gateway(base_url)  # the default cache: 5 minutes
    try:
        register("DELETE", "journal")
        for _ in range(5):  # a page of five e-services
            assert as_caller(running.url, "adult-rules", "child-12").status_code == 200
        assert calls(register) == 1
        refused(as_caller(running.url, "adult-rules", "child-protected"), "PROTECTED_IDENTITY")
        assert calls(register) == 2  # only the child not yet known
        as_caller(running.url, "adult-rules", path="/v1/me")
        assert calls(register) == 3  # the third child; the rest was known
        stranger = with_check_digit("19000101990")  # unknown to the register: cached as such
        for _ in range(2):
            headers = {"Authorization": f"Bearer {token(stranger, people['child-12'])}"}
            response = http.get(f"{running.url}/v1/me", headers=headers, timeout=30)
            assert response.json()["code"] == "NOT_GUARDIAN"
        assert calls(register) == 4
        register("POST", "faults", json={"type": "http_status", "status": 503})
        assert as_caller(running.url, "adult-rules", "child-12").status_code == 200
    finally:
        running.stop()


def test_token_mode_trusts_act_for_but_not_past_the_13th_birthday(
    base_url: str, as_caller: Get, register: Callable[..., requests.Response]
) -> None:
    running = start_gateway(base_url, guardianship="token")
    try:
        register("DELETE", "journal")
        response = as_caller(running.url, "no-records", "child-12")
        assert (response.status_code, response.json()["reason"]) == (200, "PROXY")
        refused(as_caller(running.url, "no-records", "child-turns-13-today"), "PROXY_NOT_ALLOWED")
        assert calls(register) == 0
    finally:
        running.stop()


def test_a_stubbed_answer_is_read_and_an_unknown_extension_counted_as_drift(
    uncached: str,
    as_caller: Get,
    register: Callable[..., requests.Response],
    http: requests.Session,
) -> None:
    """A register answer knowing nobody, with an element of a later version's namespace: the
    gateway reads it (no custody: NOT_GUARDIAN), logs and counts the drift, and goes on."""
    answer = (
        f'<r:LookupResidentForFullProfileResponse xmlns:r="{RESPONDER_NS}">'
        '<x:Distriktskod xmlns:x="urn:riv:population:residentmaster:1.2">123456</x:Distriktskod>'
        "</r:LookupResidentForFullProfileResponse>"
    )
    stub = {"operation": OPERATION, "status": 200, "body": envelope(answer.encode()).decode()}
    assert register("POST", "stubs", json={**stub, "times": 1}).status_code == 201

    def drift() -> float:
        text = http.get(f"{uncached}/metrics", timeout=10).text
        labels = {"upstream": "population", "operation": OPERATION}
        return metric(text, "etjanst_upstream_drift_total", **labels)

    before = drift()
    refused(as_caller(uncached, "adult-rules", "child-12"), "NOT_GUARDIAN")
    assert drift() == before + 1
    assert register("GET", "stubs").json() == {"stubs": []}
