"""What every upstream call shares, SOAP or REST: the settings' scheme, the connections (TLS,
mutual TLS, proxy), timeouts, transport error mapping, metrics, the call log line and the wire
log.

Calls go over kept-alive http.client connections (connections.py), or through urllib3's proxy
pool when a proxy is configured. Every call is bounded: a total deadline (`deadline_s`, however
slowly the answer trickles in: the read timeout alone is per socket read) and a size cap
(`max_response_bytes`, checked while reading, so an oversized answer is never held whole).
Proxy variables (`*_proxy`) are never read: a proxy only when configured, so a stray
`http_proxy` cannot reroute calls to the built-in mocks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException, HTTPResponse
from ssl import SSLError as TLSError
from typing import Any, Protocol
from urllib.parse import urlsplit

import urllib3
from prometheus_client import CollectorRegistry, Counter, Histogram
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)

from contracts.upstream import Upstream
from gateway.context import correlation_id
from gateway.errors import (
    UpstreamError,
    UpstreamInvalidResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.upstreams.connections import Connections
from gateway.upstreams.settings import UpstreamSettings

UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
NO_ANSWER = "no answer within the configured timeout"
DEFAULT_PORTS = {"http": 80, "https": 443}

log = logging.getLogger("etjanst.upstream")
wire = logging.getLogger("etjanst.upstream.wire")  # DEBUG: whole bodies, identities masked
# the operation being measured, for observers (set only while someone observes)
_operation: ContextVar[str | None] = ContextVar("upstream_operation", default=None)


class UpstreamMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.seconds = Histogram(
            "etjanst_upstream_seconds",
            "Upstream call time",
            ["upstream", "operation", "outcome"],
            registry=registry,
        )
        self.drift = Counter(
            "etjanst_upstream_drift_total",
            "Answers with elements our contract does not know",
            ["upstream", "operation"],
            registry=registry,
        )


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Received:
    status_code: int
    headers: Mapping[str, str]  # case-insensitive
    content: bytes


@dataclass(frozen=True)
class Exchange:
    """One call as an observer sees it: what was sent, and either what came back or the error
    the gateway raised for the transport (timeout, reset, oversized, broke off), whichever it
    was, with the time it took."""

    upstream: str
    operation: str | None  # None when sent outside `measured`
    sent: SentRequest
    received: Received | None
    error: UpstreamError | None
    elapsed_s: float


Observer = Callable[[Exchange], None]


@dataclass(frozen=True)
class UpstreamContext:
    """What every client is built with besides its own settings."""

    consumer_hsa_id: str  # x-rivta-original-serviceconsumer-hsaid
    metrics: UpstreamMetrics
    observers: tuple[Observer, ...] = ()  # see every exchange of every client built with this


class UpstreamClient(Protocol):
    """What every upstream client (SOAP or REST) offers besides its own operations."""

    http: UpstreamHttp


class UpstreamHttp:
    """One upstream's connections and the rules every call to it follows."""

    def __init__(self, upstream: Upstream, settings: UpstreamSettings, metrics: UpstreamMetrics):
        unplaced = [
            i.operation for i in upstream.interactions if i.operation not in settings.endpoints
        ]
        if not settings.url and unplaced:
            raise ValueError(f"upstreams.{upstream.name}.url is not set (needed for {unplaced})")
        self.upstream, self.settings, self.metrics = upstream, settings, metrics
        self.name = upstream.name
        self.connections = Connections(settings)
        self.proxied: urllib3.ProxyManager | None = None
        if settings.proxy:
            tls: dict[str, Any] = {"maxsize": 64}
            if settings.ca_file is not None:
                tls["ca_certs"] = str(settings.ca_file)
            if settings.client_cert_file is not None:
                tls["cert_file"] = str(settings.client_cert_file)
                if settings.client_key_file is not None:
                    tls["key_file"] = str(settings.client_key_file)
            self.proxied = urllib3.ProxyManager(settings.proxy, **tls)
            self.proxy_timeout = urllib3.Timeout(
                connect=settings.connect_timeout_s,
                read=settings.read_timeout_s,
                total=settings.deadline_s,  # caps the wait for the headers too
            )
        self.observers: list[Observer] = []  # see every exchange, answered or not

    def endpoint(self, operation: str) -> str:
        return self.upstream.endpoint(self.settings.url or "", operation, self.settings.endpoints)

    def endpoints(self) -> dict[str, str]:
        return {i.operation: self.endpoint(i.operation) for i in self.upstream.interactions}

    def send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Received:
        """One HTTP exchange; transport trouble becomes the gateway's upstream errors. Observers
        (none unless someone watches: then nothing extra is done) see it either way."""
        if not self.observers:
            return self._transfer(method, url, body, headers)
        sent = SentRequest(method, url, urllib3.HTTPHeaderDict(headers), body or b"")
        started = time.perf_counter()
        try:
            received = self._transfer(method, url, body, headers)
        except UpstreamError as exc:
            self._notify(sent, None, exc, time.perf_counter() - started)
            raise
        self._notify(sent, received, None, time.perf_counter() - started)
        return received

    def _notify(
        self,
        sent: SentRequest,
        received: Received | None,
        error: UpstreamError | None,
        elapsed_s: float,
    ) -> None:
        exchange = Exchange(self.name, _operation.get(), sent, received, error, elapsed_s)
        for observer in self.observers:
            observer(exchange)

    def close(self) -> None:
        """Close the idle connections (a call that is running closes its own when done)."""
        self.connections.clear()
        if self.proxied is not None:
            self.proxied.clear()

    def _transfer(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str]
    ) -> Received:
        deadline = time.monotonic() + self.settings.deadline_s
        if self.proxied is None:
            received = self._direct(method, url, body, headers, deadline)
        else:
            received = self._through_proxy(self.proxied, method, url, body, headers, deadline)
        if wire.isEnabledFor(logging.DEBUG):
            wire.debug("%s %s\n%s", method, url, (body or b"").decode("utf-8", "replace"))
            wire.debug(
                "HTTP %s\n%s",
                received.status_code,
                received.content[:65536].decode("utf-8", "replace"),
            )
        return received

    def _direct(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        deadline: float,
    ) -> Received:
        """Over a kept-alive connection to the URL's host, given back once read to the end."""
        parts = urlsplit(url)
        host = (parts.scheme, parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme])
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection = self.connections.take(host)
        except (OSError, ValueError) as exc:  # the TLS context could not be built
            raise UpstreamUnavailable(self.name, f"the TLS settings are unusable: {exc}") from exc
        try:
            response = self._exchange(connection, method, target, body, headers, deadline)
            content = self._read_body(response, deadline)
        except BaseException:
            connection.close()
            raise
        response.close()  # read to the end: the connection may take the next request
        if response.will_close:
            connection.close()
        else:
            self.connections.give_back(host, connection)
        return Received(response.status, response.headers, content)

    def _exchange(
        self,
        connection: HTTPConnection,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
        deadline: float,
    ) -> HTTPResponse:
        """Send the request and read the answer's head; transport trouble as our errors."""
        if connection.sock is None:
            try:
                connection.connect()
            except TimeoutError as exc:
                raise UpstreamTimeout(self.name, NO_ANSWER) from exc
            except TLSError as exc:
                raise UpstreamUnavailable(self.name, f"the TLS handshake failed: {exc}") from exc
            except OSError as exc:
                raise UpstreamUnavailable(self.name, "could not connect") from exc
        # a read waits at most read_timeout_s, and never past the deadline
        remaining = deadline - time.monotonic()
        connection.sock.settimeout(max(min(self.settings.read_timeout_s, remaining), 0.001))
        try:
            connection.request(method, target, body=body, headers=headers)
            return connection.getresponse()
        except TimeoutError as exc:
            raise UpstreamTimeout(self.name, NO_ANSWER) from exc
        except (OSError, HTTPException) as exc:
            raise UpstreamUnavailable(
                self.name, f"the connection failed or closed without an answer: {exc!r}"
            ) from exc

    def _read_body(self, response: HTTPResponse, deadline: float) -> bytes:
        try:
            return self._read_bounded(response, deadline)
        except TimeoutError as exc:
            raise UpstreamTimeout(self.name, NO_ANSWER) from exc
        except (OSError, HTTPException) as exc:
            raise UpstreamInvalidResponse(self.name, f"the answer broke off: {exc!r}") from exc

    def _through_proxy(
        self,
        proxied: urllib3.ProxyManager,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        deadline: float,
    ) -> Received:
        try:
            response = proxied.request(
                method,
                url,
                body=body,
                headers=headers,
                timeout=self.proxy_timeout,
                retries=False,
                preload_content=False,
            )
            try:
                content = self._read_bounded(response, deadline)
            finally:
                response.release_conn()
        except NewConnectionError as exc:  # before its base class, ConnectTimeoutError
            raise UpstreamUnavailable(self.name, "could not connect") from exc
        except (ConnectTimeoutError, ReadTimeoutError) as exc:
            raise UpstreamTimeout(self.name, NO_ANSWER) from exc
        except (ProtocolError, SSLError, ProxyError) as exc:
            raise UpstreamUnavailable(
                self.name, f"the connection failed or closed without an answer: {exc}"
            ) from exc
        except HTTPError as exc:  # e.g. a body that broke off
            raise UpstreamInvalidResponse(self.name, f"the answer broke off: {exc}") from exc
        return Received(response.status, response.headers, content)

    def _read_bounded(
        self, response: HTTPResponse | urllib3.BaseHTTPResponse, deadline: float
    ) -> bytes:
        """The body, read a chunk at a time. An answer cut short closes its connection (it cannot
        be reused half-read)."""
        limit = self.settings.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise UpstreamInvalidResponse(self.name, f"an answer of more than {limit} bytes")
        chunks, size = [], 0
        while True:
            chunk = response.read1(65536)  # at most one read from the socket: never waits long
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                response.close()
                raise UpstreamInvalidResponse(self.name, f"an answer of more than {limit} bytes")
            if time.monotonic() > deadline:
                response.close()
                raise UpstreamTimeout(
                    self.name, f"the answer took longer than {self.settings.deadline_s:g} s"
                )
            chunks.append(chunk)

    @contextmanager
    def measured(self, operation: str) -> Iterator[None]:
        """Time one call into the metrics and the log line, whatever its outcome."""
        started = time.perf_counter()
        outcome = "error"
        watched = _operation.set(operation) if self.observers else None
        try:
            yield
            outcome = "ok"
        finally:
            if watched is not None:
                _operation.reset(watched)
            elapsed = time.perf_counter() - started
            self.metrics.seconds.labels(self.name, operation, outcome).observe(elapsed)
            log.info(
                "upstream %s %s %s in %.1f ms [%s]",
                self.name,
                operation,
                outcome,
                elapsed * 1000,
                correlation_id.get(),
            )

    def drift(self, operation: str, found: list[str]) -> None:
        """Log and count what in an answer our contract does not describe; never fatal."""
        if found:
            self.metrics.drift.labels(self.name, operation).inc()
            log.warning("upstream %s %s drift: %s", self.name, operation, "; ".join(found[:5]))
