"""What went over the wire during a contract run, per test: every exchange the gateway's own
clients made and every raw request a suite sent with `requests` (the invalid requests the
gateway would never build), attributed to the upstream operation whose endpoint it was sent
to. Admin API calls and anything else go unrecorded.

The gateway's clients are watched as every observer is: the suites build them with the Target's
context, which carries `WireTap.observe`. `requests` has no such hook, so its adapter's send is
wrapped for the run's process only, while the plugin is active."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from pytest import MonkeyPatch

from contracts.registry import BY_NAME
from gateway.upstreams import http
from gateway.upstreams.settings import UpstreamSettings


@dataclass(frozen=True)
class Exchange:
    test: str  # the pytest node id of the test that made the call
    upstream: str
    operation: str
    status: int
    content_type: str
    body: bytes


class Endpoints:
    """Which upstream operation a URL is: by its endpoint, query left out."""

    def __init__(self, upstreams: Mapping[str, UpstreamSettings]) -> None:
        self._by_path: dict[tuple[str, str], tuple[str, str]] = {}
        for name, settings in upstreams.items():
            upstream = BY_NAME[name]
            for interaction in upstream.interactions:
                url = upstream.endpoint(
                    settings.url or "", interaction.operation, settings.endpoints
                )
                self._by_path[_key(url)] = (name, interaction.operation)

    def find(self, url: str) -> tuple[str, str] | None:
        return self._by_path.get(_key(url))


def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path.rstrip("/")


class WireTap:
    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints
        self.exchanges: list[Exchange] = []
        self.current_test = ""
        self._patch = MonkeyPatch()

    def start(self) -> None:
        adapter = requests.adapters.HTTPAdapter
        self._patch.setattr(adapter, "send", self._wrap(adapter.send))

    def observe(self, exchange: http.Exchange) -> None:
        """An observer of the gateway's clients: answers only (a transport failure has none)."""
        if exchange.received is not None:
            received = exchange.received
            content_type = received.headers.get("Content-Type", "")
            self._record(exchange.sent.url, received.status_code, content_type, received.content)

    def _record(self, url: str, status: int, content_type: str, body: bytes) -> None:
        found = self.endpoints.find(url)
        if found is not None:
            self.exchanges.append(Exchange(self.current_test, *found, status, content_type, body))

    def stop(self) -> None:
        self._patch.undo()

    def by_test(self, test: str) -> Iterator[Exchange]:
        return (exchange for exchange in self.exchanges if exchange.test == test)

    def _wrap(self, send: Callable[..., requests.Response]) -> Callable[..., requests.Response]:
        tap = self

        def tapped(adapter: Any, request: requests.PreparedRequest, **kwargs: Any) -> Any:
            answer = send(adapter, request, **kwargs)
            content_type = answer.headers.get("Content-Type", "")
            tap._record(str(request.url), answer.status_code, content_type, answer.content)
            return answer

        return tapped
