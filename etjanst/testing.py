"""A pytest plugin for teams that test their own code against the mocks (installed with the
package; pytest finds it through the `pytest11` entry point).

Fixtures:
- `etjanst_mocks`: every mock in this process, no server and no port. The `responses` library
  routes each `requests` call aimed at a mock's URL to the mocks' WSGI app, so a client built on
  requests (zeep included) talks to the real mock logic. Each test starts from the default
  datasets, with no stubs, faults or journal.
- `etjanst_mocks_live`: the same mocks on a free loopback port, for clients that do not use
  `requests` (the gateway's own clients, other languages' clients in a subprocess).
- `etjanst_gateway`: the gateway as a Flask test client, its upstreams the live mocks, with a
  token helper.

    def test_my_client(etjanst_mocks):
        cosmic = etjanst_mocks.cosmic
        patient = cosmic.patients()["adult-rules"]
        cosmic.fault("soap_fault", operation="GetMedicationHistory", times=1)
        ...  # point your client at cosmic.endpoint("GetMedicationHistory")
        assert cosmic.journal()[-1]["operation"] == "GetMedicationHistory"
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from contracts.registry import UPSTREAMS
from contracts.upstream import Upstream

IN_PROCESS_URL = "http://etjanst-mocks.test"  # a reserved name: never resolved, never sent


class MockHandle:
    """One mock: where its endpoints are, and its admin API as typed calls."""

    def __init__(self, upstream: Upstream, root: str, session: requests.Session) -> None:
        self.upstream, self.name = upstream, upstream.name
        self.url = root + upstream.mock_path  # the base every operation's path hangs under
        self.admin_url = f"{self.url}/_admin"
        self._session = session

    def endpoint(self, operation: str) -> str:
        return self.upstream.endpoint(self.url, operation)

    def wsdl(self, operation: str) -> str:
        return self.endpoint(operation) + "?wsdl"

    def stub(
        self,
        operation: str,
        body: str,
        *,
        status: int = 200,
        content_type: str | None = None,
        patient: str | None = None,
        times: int | None = None,
    ) -> dict[str, Any]:
        """Answer `operation` with `body`, verbatim (for `patient` only, `times` times)."""
        document: dict[str, Any] = {"operation": operation, "body": body, "status": status}
        if content_type is not None:
            document["contentType"] = content_type
        return self._add("stubs", document, patient, times)

    def fault(
        self,
        type: str,
        *,
        operation: str | None = None,
        patient: str | None = None,
        times: int | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Make calls fail: `type` and its fields as the mock's admin OpenAPI describes them."""
        document = {"type": type, **fields}
        if operation is not None:
            document["operation"] = operation
        return self._add("faults", document, patient, times)

    def journal(self, limit: int | None = None) -> list[dict[str, Any]]:
        params = {"limit": limit} if limit else None
        return list(self._call("GET", "journal", params=params)["exchanges"])

    def dataset(self, document: dict[str, Any] | None = None) -> dict[str, Any]:
        """The current dataset; with `document`, replace it first."""
        if document is not None:
            self._call("PUT", "dataset", json=document)
        return dict(self._call("GET", "dataset"))

    def patients(self) -> dict[str, str]:
        """The dataset's labelled patients: label -> identity number."""
        listed = self._call("GET", "patients")["patients"]
        return {p["label"]: p["id"] for p in listed if p["label"]}

    def reset(self) -> None:
        self._call("POST", "reset")

    def _add(
        self, kind: str, document: dict[str, Any], patient: str | None, times: int | None
    ) -> dict[str, Any]:
        if patient is not None:
            document["match"] = {"patient": patient}
        if times is not None:
            document["times"] = times
        return dict(self._call("POST", kind, json=document))

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._session.request(method, f"{self.admin_url}/{path}", timeout=30, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(
                f"{self.name} admin {method} {path}: HTTP {response.status_code} {response.text}"
            )
        return response.json()


class Mocks:
    """Every registered upstream's mock, by name: `mocks.cosmic`, `mocks["cosmic"]`."""

    def __init__(self, root: str, session: requests.Session) -> None:
        self.url = root
        self._mocks = {u.name: MockHandle(u, root, session) for u in UPSTREAMS}

    def __getitem__(self, name: str) -> MockHandle:
        return self._mocks[name]

    def __getattr__(self, name: str) -> MockHandle:
        try:
            return self._mocks[name]
        except KeyError:
            raise AttributeError(f"no mock {name}: there are {', '.join(self._mocks)}") from None

    def __iter__(self) -> Iterator[MockHandle]:
        return iter(self._mocks.values())

    def reset(self) -> None:
        for mock in self:
            mock.reset()


def _mocks_app(state: Path) -> Any:
    from etjanst.server import mocks_only_app
    from gateway.settings import load_settings

    state.mkdir(parents=True, exist_ok=True)
    return mocks_only_app(load_settings(), state)


def _wsgi_callback(
    app: Any,
) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], bytes]]:
    client = app.test_client()

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        path = request.path_url or "/"
        body = request.body.encode() if isinstance(request.body, str) else request.body
        response = client.open(
            path,
            method=request.method or "GET",
            data=body or b"",
            headers={k: v for k, v in request.headers.items() if k.lower() != "content-length"},
            base_url=IN_PROCESS_URL,
        )
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return response.status_code, headers, response.get_data()

    return answer


@pytest.fixture(scope="session")
def _etjanst_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("etjanst-mocks")


@pytest.fixture(scope="session")
def _etjanst_in_process_app(_etjanst_state: Path) -> Any:
    return _mocks_app(_etjanst_state / "in-process")


@pytest.fixture
def etjanst_mocks(_etjanst_in_process_app: Any) -> Iterator[Mocks]:
    """The mocks in this process, reached through `requests` at their `.url`."""
    import responses

    callback = _wsgi_callback(_etjanst_in_process_app)
    pattern = re.compile(re.escape(IN_PROCESS_URL) + r"(/.*)?$")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as routes:
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            routes.add_callback(method, pattern, callback=callback)
        with requests.Session() as session:
            mocks = Mocks(IN_PROCESS_URL, session)
            mocks.reset()
            yield mocks


@pytest.fixture(scope="session")
def _etjanst_live_server(_etjanst_state: Path) -> Iterator[str]:
    from etjanst.server import serve_in_thread

    server = serve_in_thread(lambda url: _mocks_app(_etjanst_state / "live"))
    yield server.url
    server.stop()


@pytest.fixture
def etjanst_mocks_live(_etjanst_live_server: str) -> Iterator[Mocks]:
    """The mocks on a free loopback port (`.url` is e.g. http://127.0.0.1:PORT)."""
    with requests.Session() as session:
        mocks = Mocks(_etjanst_live_server, session)
        mocks.reset()
        yield mocks


class GatewayClient:
    """The gateway as a Flask test client, with tokens minted for you."""

    SECRET = "etjanst-testing-secret-0123456789abcdef"

    def __init__(self, mocks: Mocks) -> None:
        from gateway.app import create_app
        from gateway.settings import load_settings

        upstreams = {u.name: {"url": mocks[u.name].url} for u in UPSTREAMS}
        database = Path(tempfile.mkdtemp(prefix="etjanst-testing-")) / "gateway.sqlite3"
        settings = load_settings(
            environment="development",  # a test's gateway: the test secret is fine here
            upstreams=upstreams,
            auth={"hs256_secret": self.SECRET},
            store={"sqlite_path": database},
        )
        self.mocks = mocks
        self.app = create_app(settings)
        self.client = self.app.test_client()

    def token(
        self, subject: str, act_for: str | None = None, ttl: timedelta = timedelta(hours=1)
    ) -> str:
        from gateway.auth import mint_token

        return mint_token(self.SECRET, subject, act_for, ttl)

    def get(self, path: str, subject: str | None = None, act_for: str | None = None) -> Any:
        """GET `path` as `subject` (acting for `act_for`); without a subject, no token."""
        headers = {}
        if subject is not None:
            headers["Authorization"] = f"Bearer {self.token(subject, act_for)}"
        return self.client.get(path, headers=headers)


@pytest.fixture
def etjanst_gateway(etjanst_mocks_live: Mocks) -> GatewayClient:
    """The gateway in this process, calling the live mocks over loopback HTTP."""
    return GatewayClient(etjanst_mocks_live)
