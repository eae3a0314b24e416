"""Shared fixtures: a real server (gateway + mocks on one port, over real HTTP), tokens, and
the mock's admin API. 'Today' is pinned so the default dataset and the rules line up."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import zeep
from lxml import etree
from prometheus_client.parser import text_string_to_metric_families

from contracts.cosmic import OPERATION, SOAP_ACTION, WSDL
from contracts.cosmic import UPSTREAM as COSMIC
from contracts.riv import PERSONNUMMER_OID
from etjanst.server import RunningServer, combined_app, serve_in_thread
from gateway.auth import mint_token
from gateway.settings import Settings, load_settings

TODAY = date(2026, 11, 25)
SECRET = "test-secret-0123456789-0123456789"
TENHULT = "SE2321000057-5VTN"
ADMIN = f"{COSMIC.mock_path}/_admin"
COSMIC_ENDPOINT = f"{COSMIC.mock_path}/{COSMIC.interaction(OPERATION).path}"
PNR_OID = PERSONNUMMER_OID


def make_settings(**overrides: Any) -> Settings:
    """Settings for a test server: development, today pinned, the test secret, a database of
    its own."""
    database = Path(tempfile.mkdtemp(prefix="etjanst-test-store-")) / "gateway.sqlite3"
    values: dict[str, Any] = {
        "environment": "development",
        "today": TODAY,
        "auth": {"hs256_secret": SECRET},
        "store": {"sqlite_path": database},
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(scope="session", autouse=True)
def private_state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Nothing a test runs, in this process or a child, reads or writes the user's own state
    (the default gateway database and mock state live under XDG_STATE_HOME)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state-home")))
        yield


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # a short read timeout keeps the timeout test quick
    return make_settings(upstreams={"cosmic": {"read_timeout_s": 3.0}})


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


def post_to_cosmic(http: requests.Session, base_url: str, body: bytes) -> requests.Response:
    """POST a raw SOAP body straight to the Cosmic mock's endpoint (not through the gateway)."""
    headers = {"SOAPAction": f'"{SOAP_ACTION}"', "Content-Type": "text/xml; charset=utf-8"}
    return http.post(f"{base_url}{COSMIC_ENDPOINT}", data=body, headers=headers, timeout=10)


@pytest.fixture(scope="session")
def cosmic_soap() -> zeep.Client:
    return zeep.Client(str(WSDL))


@pytest.fixture
def cosmic_call(
    base_url: str, http: requests.Session, cosmic_soap: zeep.Client
) -> Callable[..., requests.Response]:
    """Send GetMedicationHistory (zeep builds the envelope from our WSDL) straight to the mock."""

    def send(logical_address: str = "SE2321000057-7P8R", **arguments: object) -> requests.Response:
        message = cosmic_soap.create_message(
            cosmic_soap.service,
            "GetMedicationHistory",
            _soapheaders={"LogicalAddress": logical_address},
            **arguments,
        )
        return post_to_cosmic(http, base_url, etree.tostring(message))

    return send


def metric(text: str, name: str, **labels: str) -> float:
    """One sample of a Prometheus text exposition; 0 when the series does not exist yet."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0
