"""What went over the wire during a contract run, per test: every exchange the gateway's own
clients made (UpstreamHttp) and every raw request a suite sent with `requests` (the invalid
requests the gateway would never build), attributed to the upstream operation whose endpoint
it was sent to. Admin API calls and anything else go unrecorded.

The tap wraps the two send methods for the run's process only, while the plugin is active."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from pytest import MonkeyPatch

from contracts.registry import BY_NAME
from gateway.upstreams.http import Received, UpstreamHttp
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
        gateway = self._wrap(UpstreamHttp.send, _gateway_url, _from_gateway)
        self._patch.setattr(UpstreamHttp, "send", gateway)
        adapter = requests.adapters.HTTPAdapter
        self._patch.setattr(
            adapter, "send", self._wrap(adapter.send, _requests_url, _from_requests)
        )

    def stop(self) -> None:
        self._patch.undo()

    def by_test(self, test: str) -> Iterator[Exchange]:
        return (exchange for exchange in self.exchanges if exchange.test == test)

    def _wrap(
        self,
        send: Callable[..., Any],
        url_of: Callable[[tuple[Any, ...], dict[str, Any]], str],
        read: Callable[[Any], tuple[int, str, bytes]],
    ) -> Callable[..., Any]:
        tap = self

        def tapped(client: Any, *args: Any, **kwargs: Any) -> Any:
            answer = send(client, *args, **kwargs)
            found = tap.endpoints.find(url_of(args, kwargs))
            if found is not None:
                status, content_type, body = read(answer)
                tap.exchanges.append(Exchange(tap.current_test, *found, status, content_type, body))
            return answer

        return tapped


def _gateway_url(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """UpstreamHttp.send(method, url, body, headers)"""
    return str(args[1] if len(args) > 1 else kwargs["url"])


def _requests_url(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """HTTPAdapter.send(request, ...)"""
    return str((args[0] if args else kwargs["request"]).url)


def _from_gateway(received: Received) -> tuple[int, str, bytes]:
    return received.status_code, received.headers.get("Content-Type", ""), received.content


def _from_requests(response: requests.Response) -> tuple[int, str, bytes]:
    return response.status_code, response.headers.get("Content-Type", ""), response.content
