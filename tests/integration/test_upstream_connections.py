"""The gateway's connections to its upstreams over real sockets: kept alive and reused, replaced
when the server closed them while idle, TLS verified against the configured CA, the client
certificate presented for mutual TLS, and proxy variables ignored."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import trustme
from prometheus_client import CollectorRegistry

from contracts.cosmic import UPSTREAM as COSMIC
from gateway.errors import UpstreamUnavailable
from gateway.settings import load_settings
from gateway.upstreams.http import UpstreamHttp, UpstreamMetrics

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


class Server:
    """A socket server answering every request with ANSWER, and counting its connections.
    `close_after_answer`: close each connection after one answer, without saying so (as a
    server whose keep-alive timeout ran out does)."""

    def __init__(self, tls: ssl.SSLContext | None, close_after_answer: bool) -> None:
        self.tls, self.close_after_answer = tls, close_after_answer
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.closed = threading.Semaphore(0)  # released once per connection closed
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            if self.tls is not None:
                client = self.tls.wrap_socket(client, server_side=True)
            with client:
                received = b""
                while True:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    received += chunk
                    while b"\r\n\r\n" in received:  # requests without a body
                        _, _, received = received.partition(b"\r\n\r\n")
                        client.sendall(ANSWER)
                        if self.close_after_answer:
                            return
        except (OSError, ssl.SSLError):  # a client that refused our certificate
            return
        finally:
            self.closed.release()

    def close(self) -> None:
        self.listener.close()


@contextmanager
def serving(
    tls: ssl.SSLContext | None = None, close_after_answer: bool = False
) -> Iterator[Server]:
    server = Server(tls, close_after_answer)
    try:
        yield server
    finally:
        server.close()


def upstream(url: str, **settings: str) -> UpstreamHttp:
    configured = load_settings(upstreams={"cosmic": {"url": url, **settings}})
    return UpstreamHttp(COSMIC, configured.upstream("cosmic"), UpstreamMetrics(CollectorRegistry()))


def get(http: UpstreamHttp, url: str) -> bytes:
    received = http.send("GET", url, None, {})
    assert received.status_code == 200
    return received.content


def test_calls_reuse_one_kept_alive_connection() -> None:
    with serving() as server:
        url = f"http://127.0.0.1:{server.port}/x"
        http = upstream(url)
        assert [get(http, url) for _ in range(5)] == [b"ok"] * 5
        assert server.connections == 1


def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    with serving(close_after_answer=True) as server:
        url = f"http://127.0.0.1:{server.port}/x"
        http = upstream(url)
        for _ in range(3):
            assert get(http, url) == b"ok"
            assert server.closed.acquire(timeout=10)  # idle, and closed by the server
        assert server.connections == 3


def test_proxy_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stray http_proxy must not reroute calls (to the built-in mocks, say)."""
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:1")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    with serving() as server:
        url = f"http://127.0.0.1:{server.port}/x"
        assert get(upstream(url), url) == b"ok"


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def server_tls(authority: trustme.CA, client_certificate_required: bool) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("localhost").configure_cert(context)
    if client_certificate_required:
        authority.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def written(tmp_path: Path, authority: trustme.CA) -> dict[str, str]:
    """The CA and a client certificate with its key, as PEM files."""
    ca, cert, key = tmp_path / "ca.pem", tmp_path / "me.pem", tmp_path / "me.key"
    authority.cert_pem.write_to_path(str(ca))
    client = authority.issue_cert("gateway.region.test")
    client.cert_chain_pems[0].write_to_path(str(cert))
    client.private_key_pem.write_to_path(str(key))
    return {"ca_file": str(ca), "client_cert_file": str(cert), "client_key_file": str(key)}


def test_tls_is_verified_against_the_configured_ca(tmp_path: Path, authority: trustme.CA) -> None:
    files = written(tmp_path, authority)
    with serving(server_tls(authority, client_certificate_required=False)) as server:
        url = f"https://localhost:{server.port}/x"
        assert get(upstream(url, ca_file=files["ca_file"]), url) == b"ok"
        with pytest.raises(UpstreamUnavailable, match="TLS handshake failed"):
            get(upstream(url), url)  # the system's CAs do not know ours
        wrong_name = f"https://127.0.0.1:{server.port}/x"
        with pytest.raises(UpstreamUnavailable, match="TLS handshake failed"):
            get(upstream(wrong_name, ca_file=files["ca_file"]), wrong_name)


def test_mutual_tls_presents_the_client_certificate(tmp_path: Path, authority: trustme.CA) -> None:
    files = written(tmp_path, authority)
    with serving(server_tls(authority, client_certificate_required=True)) as server:
        url = f"https://localhost:{server.port}/x"
        assert get(upstream(url, **files), url) == b"ok"
        with pytest.raises(UpstreamUnavailable):
            get(upstream(url, ca_file=files["ca_file"]), url)


def test_an_unreadable_ca_file_fails_the_call_readably(tmp_path: Path) -> None:
    url = "https://localhost:1/x"
    http = upstream(url, ca_file=str(tmp_path / "missing.pem"))
    with pytest.raises(UpstreamUnavailable, match="TLS settings are unusable"):
        get(http, url)
