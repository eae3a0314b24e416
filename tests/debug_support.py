"""What the /_debug tests share: a server (gateway + mocks over real HTTP) with debug enabled,
and a client that calls the gateway as a citizen, the Cosmic mock's admin API and the page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

from contracts.cosmic import UPSTREAM as COSMIC
from etjanst.server import combined_app, serve_in_thread
from gateway.auth import mint_token
from gateway.settings import Settings
from tests.conftest import SECRET, TENHULT, make_settings

DEBUG_TOKEN = "debug-page-token-0123456789"
ADULT_RULES = "196804152384"  # the 'adult-rules' test patient
ORDINATIONS = f"/v1/units/{TENHULT}/ordinations"


def debug_settings(**debug: Any) -> Settings:
    return make_settings(
        debug={"enabled": True, "token": DEBUG_TOKEN, **debug},
        upstreams={"cosmic": {"read_timeout_s": 3.0}},
    )


@dataclass
class DebugServer:
    url: str
    settings: Settings
    http: requests.Session

    def citizen(self, path: str, correlation: str, subject: str = ADULT_RULES) -> requests.Response:
        token = mint_token(SECRET, subject, None, timedelta(hours=1))
        headers = {"Authorization": f"Bearer {token}", "X-Correlation-ID": correlation}
        return self.http.get(self.url + path, headers=headers, timeout=30)

    def fault(self, **fault: Any) -> None:
        url = f"{self.url}{COSMIC.mock_path}/_admin/faults"
        self.http.post(url, json=fault, timeout=10).raise_for_status()

    def page(self, path: str = "/_debug", **params: str) -> requests.Response:
        return self.http.get(
            self.url + path, params=params, auth=("staff", DEBUG_TOKEN), timeout=30
        )

    def reset(self) -> None:
        self.http.post(f"{self.url}{COSMIC.mock_path}/_admin/reset", timeout=10).raise_for_status()


def debug_server(state: Path) -> Iterator[DebugServer]:
    settings = debug_settings()
    running = serve_in_thread(lambda url: combined_app(settings, url, state))
    with requests.Session() as http:
        yield DebugServer(running.url, settings, http)
    running.stop()
