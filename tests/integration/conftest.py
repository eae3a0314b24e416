"""Fixtures of the integration tests: calls as a citizen and as staff, the gateway on each store
(SQLite, PostgreSQL), and a mocks-only server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from etjanst.server import RunningServer, combined_app, mocks_only_app, serve_in_thread
from gateway.auth import mint_staff_token
from gateway.settings import Settings
from tests.conftest import SECRET, TENHULT, make_settings
from tests.integration.postgres import postgres_server

BRA_LIV = "SE2321000057-5RB2"  # no web booking
NURSE = "SE2321000057-1001"


def staff_token(role: str = "staff", unit: str = TENHULT, person: str = NURSE) -> str:
    return mint_staff_token(SECRET, person, [unit], [role])


STORES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One PostgreSQL server for the whole run, shared by every test that needs one."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_gateway(
    postgres_url: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A second test server (gateway and mocks) like `server`, its store on PostgreSQL."""
    store = settings.store.model_copy(update={"url": postgres_url})
    on_postgres = settings.model_copy(update={"store": store})
    state = tmp_path_factory.mktemp("mocks-postgres")
    running = serve_in_thread(lambda url: combined_app(on_postgres, url, state))
    yield running.url
    running.stop()


def gateway_on(store: str, request: pytest.FixtureRequest) -> str:
    """The test server's URL with its store on `store` (one of STORES)."""
    if store == "postgresql":
        return str(request.getfixturevalue("postgres_gateway"))
    return str(request.getfixturevalue("server").url)


@pytest.fixture
def citizen(
    base_url: str, http: requests.Session, token: Callable[..., str], patients: dict[str, str]
) -> Callable[..., requests.Response]:
    """Call the API as a citizen (the 'adult-rules' patient unless `subject` is given)."""

    def call(method: str, path: str, subject: str | None = None, **kwargs: Any):
        headers = kwargs.pop("headers", {})
        bearer = token(subject or patients["adult-rules"], kwargs.pop("act_for", None))
        headers["Authorization"] = f"Bearer {bearer}"
        return http.request(method, base_url + path, headers=headers, timeout=60, **kwargs)

    return call


@pytest.fixture
def staff(base_url: str, http: requests.Session) -> Callable[..., requests.Response]:
    def call(method: str, path: str, bearer: str | None = None, **kwargs: Any):
        headers = {"Authorization": f"Bearer {bearer or staff_token()}"}
        return http.request(method, base_url + path, headers=headers, timeout=60, **kwargs)

    return call


def send(citizen, unit: str, case_type: str, answers: Any, **kwargs: Any) -> requests.Response:
    body = {"type": case_type, "answers": answers}
    return citizen("POST", f"/v1/units/{unit}/cases", json=body, **kwargs)


@pytest.fixture(scope="module")
def mocks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The built-in mocks alone on a port of their own, with a fresh state for the module."""
    state = tmp_path_factory.mktemp("mocks-only")
    running = serve_in_thread(lambda url: mocks_only_app(make_settings(), state))
    yield running
    running.stop()
