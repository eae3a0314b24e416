"""/_debug over real HTTP: never served when disabled, its own credential when enabled, and
the gateway's journal of its own exchanges (masked, escaped, filterable) whatever process made
them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from contracts.privacy import mask_text
from etjanst.cli import main
from etjanst.server import with_builtin_upstreams
from gateway.app import create_app
from gateway.runtime import Runtime
from gateway.settings import ConfigFileError, load_settings
from tests.conftest import make_settings
from tests.debug_support import (
    ADULT_RULES,
    DEBUG_TOKEN,
    ORDINATIONS,
    DebugServer,
    debug_server,
    debug_settings,
)
from tests.test_readme import code_block, section

SCRIPT = "<script>alert('upstream')</script>"


@pytest.fixture(scope="module")
def debug(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DebugServer]:
    yield from debug_server(tmp_path_factory.mktemp("debug-mocks"))


@pytest.fixture(scope="module")
def calls(debug: DebugServer) -> dict[str, int]:
    """One answered call, one failing through a SOAP fault whose text has markup and an
    identity number in it, one through a connection reset, one without a token: their journal
    ids by name."""
    debug.reset()
    assert debug.citizen(ORDINATIONS, "dbg-ok").status_code == 200
    debug.fault(type="soap_fault", code="VP009", message=f"{SCRIPT} {ADULT_RULES}", times=1)
    assert debug.citizen(ORDINATIONS, "dbg-fault").status_code == 502
    debug.fault(type="reset", times=1)
    assert debug.citizen(ORDINATIONS, "dbg-reset").status_code == 503
    debug.reset()
    unauthenticated = {"X-Correlation-ID": "dbg-401"}
    assert debug.http.get(debug.url + ORDINATIONS, headers=unauthenticated).status_code == 401
    ids = {}
    for name in ("dbg-ok", "dbg-fault", "dbg-reset", "dbg-401"):
        found = re.findall(r"/_debug/requests/(\d+)", debug.page(correlation=name).text)
        assert len(found) == 1, name
        ids[name] = int(found[0])
    return ids


def test_never_served_when_disabled(base_url: str, http: requests.Session) -> None:
    for path in ("/_debug", "/_debug/", "/_debug/requests/1"):
        for auth in (None, ("staff", DEBUG_TOKEN)):
            assert http.get(base_url + path, auth=auth, timeout=10).status_code == 404


def test_nothing_watches_the_upstreams_when_disabled() -> None:
    """Disabled costs nothing: no observer on any client, no hook of the journal's."""
    settings = make_settings()
    app = create_app(with_builtin_upstreams(settings, "http://127.0.0.1:9"))
    found: Runtime = app.extensions["etjanst"]
    assert found.debug is None
    assert all(client.http.observers == [] for client in found.upstreams.values())
    hooks = [f.__qualname__ for f in app.before_request_funcs.get(None, [])]
    assert not [name for name in hooks if "Debug" in name]


def test_enabled_without_a_credential_is_refused() -> None:
    with pytest.raises(ConfigFileError, match=r"debug\.enabled needs debug\.token"):
        load_settings(environment="development", debug={"enabled": True})


def test_the_readme_settings_are_valid(tmp_path: Path) -> None:
    example = tmp_path / "debug.toml"
    example.write_text(code_block(section("The debug page"), "toml"), encoding="utf-8")
    debug = load_settings(example, environment="development").debug
    assert (
        debug.enabled
        and debug.token
        and (debug.max_entries, debug.max_body_bytes)
        == (
            500,
            65536,
        )
    )


def test_etjanst_up_refuses_debug_without_a_credential(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ETJANST_DEBUG__ENABLED", "true")
    assert main(["up", "--port", "1"]) == 2
    assert "debug.token" in capsys.readouterr().err


@pytest.mark.parametrize(
    "auth",
    [None, ("staff", "wrong-token-0123456789"), "Bearer wrong-token-0123456789", "Basic %%%"],
)
def test_wrong_or_missing_credential_is_401(debug: DebugServer, auth: object) -> None:
    headers = {"Authorization": auth} if isinstance(auth, str) else {}
    basic = auth if isinstance(auth, tuple) else None
    response = debug.http.get(f"{debug.url}/_debug", auth=basic, headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert DEBUG_TOKEN not in response.text


def test_the_token_works_as_bearer_too(debug: DebugServer) -> None:
    headers = {"Authorization": f"Bearer {DEBUG_TOKEN}"}
    assert debug.http.get(f"{debug.url}/_debug", headers=headers, timeout=10).status_code == 200


def test_recent_requests_newest_first_with_their_exchanges(
    debug: DebugServer, calls: dict[str, int]
) -> None:
    page = debug.page()
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    order = [int(i) for i in re.findall(r"/_debug/requests/(\d+)", page.text)]
    assert order == sorted(order, reverse=True)
    assert calls["dbg-reset"] > calls["dbg-fault"] > calls["dbg-ok"]
    assert "cosmic GetMedicationHistory: HTTP 500" in page.text
    assert "cosmic GetMedicationHistory: UPSTREAM_UNAVAILABLE" in page.text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "5xx"}, {"dbg-fault", "dbg-reset"}),
        ({"status": "502"}, {"dbg-fault"}),
        ({"status": "4XX"}, {"dbg-401"}),
        ({"status": "200", "upstream": "cosmic"}, {"dbg-ok"}),
        ({"operation": "GetMedicationHistory", "correlation": "dbg-ok"}, {"dbg-ok"}),
        ({"upstream": "frikort"}, set()),
        ({"operation": "LookupResidentForFullProfile"}, set()),
    ],
)
def test_filters(
    debug: DebugServer, calls: dict[str, int], filters: dict[str, str], expected: set[str]
) -> None:
    page = debug.page(**filters).text
    shown = {int(i) for i in re.findall(r"/_debug/requests/(\d+)", page)}
    assert shown & set(calls.values()) == {calls[name] for name in expected}


def test_a_status_filter_that_is_no_status_is_400(debug: DebugServer) -> None:
    page = debug.page(status="five hundred")
    assert page.status_code == 400
    assert "a code such as 502" in page.text


def test_one_request_shows_the_raw_exchange_beside_the_answer(
    debug: DebugServer, calls: dict[str, int]
) -> None:
    page = debug.page(f"/_debug/requests/{calls['dbg-fault']}")
    assert page.status_code == 200
    upstream, answer = page.text.split('id="answer"')
    assert "GetMedicationHistory" in upstream and "x-skltp-correlation-id: dbg-fault" in upstream
    assert "&lt;faultstring&gt;VP009" in upstream  # the raw envelope, pretty-printed
    assert "\n  &lt;soap:Body&gt;" in upstream
    assert "UPSTREAM_FAULT" in answer and "&#34;correlationId&#34;: &#34;dbg-fault&#34;" in answer


def test_upstream_markup_is_text_and_identities_are_masked(
    debug: DebugServer, calls: dict[str, int]
) -> None:
    for entry in calls.values():
        page = debug.page(f"/_debug/requests/{entry}")
        assert "<script" not in page.text.lower()
        assert mask_text(page.text) == page.text, "an identity number shown in clear"
    fault = debug.page(f"/_debug/requests/{calls['dbg-fault']}").text
    assert "&amp;lt;script&amp;gt;" in fault  # the envelope's own escaping, escaped again
    assert "&lt;script&gt;alert" in fault  # the gateway's JSON answer, escaped once
    assert "19680415****" in fault


def test_a_transport_failure_is_an_exchange_without_an_answer(
    debug: DebugServer, calls: dict[str, int]
) -> None:
    page = debug.page(f"/_debug/requests/{calls['dbg-reset']}").text
    assert "UPSTREAM_UNAVAILABLE" in page and "No answer." in page
    assert "the connection failed or closed without an answer" in page


def test_the_page_is_self_contained_and_locked_down(
    debug: DebugServer, calls: dict[str, int]
) -> None:
    page = debug.page(f"/_debug/requests/{calls['dbg-ok']}")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<style nonce="{nonce}">' in page.text
    assert not re.search(r"""(src|href)=["']https?://""", page.text)
    assert page.headers["Cache-Control"] == "no-store"


def test_an_unknown_entry_is_404(debug: DebugServer) -> None:
    assert debug.page("/_debug/requests/999999").status_code == 404


def test_another_process_sees_the_same_journal(debug: DebugServer, calls: dict[str, int]) -> None:
    """Workers are processes with their own runtime: a second app on the same database (as a
    second gunicorn worker has) shows what the first one journaled."""
    other: Flask = create_app(with_builtin_upstreams(debug.settings, debug.url))
    page = other.test_client().get(
        "/_debug", query_string={"correlation": "dbg-fault"}, auth=("staff", DEBUG_TOKEN)
    )
    assert f"/_debug/requests/{calls['dbg-fault']}" in page.get_data(as_text=True)


def test_the_journal_keeps_max_entries(tmp_path: Path) -> None:
    settings = debug_settings(max_entries=3)
    app = create_app(with_builtin_upstreams(settings, "http://127.0.0.1:9"))
    client = app.test_client()
    for n in range(5):
        client.get("/v1/units", headers={"X-Correlation-ID": f"bounded-{n}"})
    page = client.get("/_debug", auth=("staff", DEBUG_TOKEN)).get_data(as_text=True)
    assert re.findall(r"<code>(bounded-\d)</code>", page) == ["bounded-4", "bounded-3", "bounded-2"]
