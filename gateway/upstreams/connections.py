"""Kept-alive connections to an upstream's hosts, from the standard library's http.client.

A call needs little of a general HTTP client: one request on a connection that is kept alive,
no redirects, no retries, no cookies. urllib3's pool does much more on every call (its own
response object, retry and timeout objects, a header dict of its own), and that cost about 0.57
ms of CPU per call against 0.25 ms for http.client on the same 30 KB SOAP answer (measured in
the same minute): a trivial request's worth on every upstream call. So calls go straight to
http.client connections, kept per host, plain or TLS; urllib3 stays for a configured proxy.

A connection is used by one call at a time: taken from its host's idle ones (the most recently
used first, so few stay warm) or opened, and given back once its answer is read to the end. One
that the server closed while it was idle is seen before it is used (its socket reads as ready)
and replaced. One that fails in a call is closed, never given back.
"""

from __future__ import annotations

import ssl
import threading
from collections import deque
from http.client import HTTPConnection, HTTPSConnection
from pathlib import Path

from urllib3.util.wait import wait_for_read

from gateway.upstreams.settings import UpstreamSettings

Host = tuple[str, str, int]  # scheme, host, port
KEEP_IDLE = 64  # per host, as urllib3's pool kept; more connections may be open at once


def tls_context(
    ca_file: Path | None, client_cert_file: Path | None, client_key_file: Path | None
) -> ssl.SSLContext:
    """Certificates and host names verified (against `ca_file`, else the system's CAs); the
    client certificate presented for mutual TLS when one is configured."""
    context = ssl.create_default_context(cafile=None if ca_file is None else str(ca_file))
    if client_cert_file is not None:
        context.load_cert_chain(
            str(client_cert_file), None if client_key_file is None else str(client_key_file)
        )
    return context


class Connections:
    """One upstream's idle connections, per host; safe to share between threads."""

    def __init__(self, settings: UpstreamSettings) -> None:
        self.settings = settings
        self._tls: ssl.SSLContext | None = None
        self._idle: dict[Host, deque[HTTPConnection]] = {}
        self._lock = threading.Lock()  # only to add a host

    def tls(self) -> ssl.SSLContext:
        """Built at the first TLS connection, so that an unreadable CA file fails that call
        (OSError, ValueError) rather than start-up."""
        if self._tls is None:
            configured = self.settings
            self._tls = tls_context(
                configured.ca_file, configured.client_cert_file, configured.client_key_file
            )
        return self._tls

    def take(self, host: Host) -> HTTPConnection:
        """An idle connection that is still open, else a new one (not yet connected); a new
        TLS one may raise what `tls` raises."""
        idle = self._idle.get(host)
        while idle:
            try:
                connection = idle.pop()
            except IndexError:  # another thread took the last one
                break
            if connection.sock is not None and not wait_for_read(connection.sock, timeout=0):
                return connection
            connection.close()  # closed by the server, or it sent what nobody asked for
        scheme, name, port = host
        timeout = self.settings.connect_timeout_s
        if scheme == "https":
            return HTTPSConnection(name, port, timeout=timeout, context=self.tls())
        return HTTPConnection(name, port, timeout=timeout)

    def give_back(self, host: Host, connection: HTTPConnection) -> None:
        idle = self._idle.get(host)
        if idle is None:
            with self._lock:
                idle = self._idle.setdefault(host, deque())
        if len(idle) < KEEP_IDLE:
            idle.append(connection)
        else:
            connection.close()

    def clear(self) -> None:
        """Close every idle connection (those in a call are closed when it ends)."""
        for idle in list(self._idle.values()):
            while idle:
                try:
                    idle.pop().close()
                except IndexError:
                    break
