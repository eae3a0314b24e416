"""Shared fixtures: a real server (gateway + mocks on one port, over real HTTP), tokens, and
the mock's admin API. 'Today' is pinned so the default dataset and the rules line up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from contracts.cosmic import UPSTREAM as COSMIC
from etjanst.server import RunningServer, combined_app, serve_in_thread
from gateway.auth import mint_token
from gateway.settings import Settings, load_settings

TODAY = date(2026, 11, 25)
SECRET = "test-secret-0123456789-0123456789"
TENHULT = "SE2321000057-5VTN"
ADMIN = f"{COSMIC.mock_path}/_admin"


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"today": TODAY, "auth": {"hs256_secret": SECRET}}
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(scope="session")
def settings() -> Settings:
    # a short read timeout keeps the timeout test quick
    return make_settings(upstreams={"cosmic": {"read_timeout_s": 1.0}})


@pytest.fixture(scope="session")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    state = tmp_path_factory.mktemp("mocks")
    running = serve_in_thread(lambda url: combined_app(settings, url, state))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def base_url(server: RunningServer) -> str:
    return server.url


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="session")
def patients(base_url: str, http: requests.Session) -> dict[str, str]:
    """Default-dataset patients by label."""
    http.post(f"{base_url}{ADMIN}/reset").raise_for_status()
    dataset = http.get(f"{base_url}{ADMIN}/dataset").json()
    return {p["label"]: p["id"] for p in dataset["patients"]}


@pytest.fixture
def token() -> Callable[..., str]:
    def mint(subject: str, act_for: str | None = None, ttl: timedelta = timedelta(hours=1)) -> str:
        return mint_token(SECRET, subject, act_for, ttl)

    return mint


@pytest.fixture
def mock_admin(base_url: str, http: requests.Session) -> Iterator[Callable[..., requests.Response]]:
    """Call the Cosmic mock's admin API; the mock is reset after the test."""

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return http.request(method, f"{base_url}{ADMIN}/{path}", timeout=10, **kwargs)

    yield call
    http.post(f"{base_url}{ADMIN}/reset").raise_for_status()


@pytest.fixture
def ordinations(
    base_url: str, http: requests.Session, token: Callable[..., str]
) -> Callable[..., requests.Response]:
    """GET /v1/units/{unit}/ordinations as `subject` (optionally acting for a child)."""

    def get(
        subject: str, unit: str = TENHULT, act_for: str | None = None, **headers: str
    ) -> requests.Response:
        auth = {"Authorization": f"Bearer {token(subject, act_for)}"}
        return http.get(
            f"{base_url}/v1/units/{unit}/ordinations", headers={**auth, **headers}, timeout=30
        )

    return get
