"""What the E-hälsomyndigheten tests share: a server (gateway + mocks over real HTTP) whose
two EHM upstreams time out after 1 s, and a client that calls the gateway and the mocks'
admin APIs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

from contracts.ehm.hkdb import UPSTREAM as HKDB
from contracts.ehm.nll import UPSTREAM as NLL
from etjanst.server import combined_app, serve_in_thread
from gateway.auth import mint_token
from tests.conftest import SECRET, make_settings

QUICK = {"read_timeout_s": 1.0}


@dataclass
class Ehm:
    url: str
    http: requests.Session

    def get(self, path: str, subject: str, act_for: str | None = None) -> requests.Response:
        token = mint_token(SECRET, subject, act_for, timedelta(hours=1))
        return self.http.get(
            f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def admin(self, mock: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        upstream = {"nll": NLL, "hkdb": HKDB}[mock]
        return self.http.request(
            method, f"{self.url}{upstream.mock_path}/_admin/{path}", timeout=10, **kwargs
        )

    def reset(self) -> None:
        for mock in ("nll", "hkdb"):
            self.admin(mock, "POST", "reset").raise_for_status()

    def patients(self, mock: str) -> dict[str, str]:
        found = self.admin(mock, "GET", "patients").json()["patients"]
        return {p["label"]: p["id"] for p in found}

    def metrics(self) -> str:
        return self.http.get(f"{self.url}/metrics", timeout=10).text


def ehm_server(state: Path) -> Iterator[Ehm]:
    settings = make_settings(upstreams={"ehm_nll": QUICK, "ehm_hkdb": QUICK})
    running = serve_in_thread(lambda url: combined_app(settings, url, state))
    with requests.Session() as http:
        yield Ehm(running.url, http)
    running.stop()
