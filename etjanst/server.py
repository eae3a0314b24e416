"""Gateway + mocks as one WSGI app on one port, the gateway calling the mocks over real
loopback HTTP exactly as it would call production."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from contracts.registry import UPSTREAMS
from contracts.upstream import Upstream
from gateway.app import create_app
from gateway.settings import Settings
from mocks.app import create_mocks_app
from mocks.kit.config import MockConfig

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def loopback_url(host: str, port: int) -> str:
    """Where this server reaches itself: loopback when it listens on every address."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def with_builtin_upstreams(settings: Settings, base_url: str) -> Settings:
    """Every upstream without a URL points at the built-in mock on this server."""
    upstreams = settings.upstreams.model_copy(deep=True)
    for upstream in _builtin(settings):
        configured = getattr(upstreams, upstream.name)
        url = base_url + upstream.mock_path
        setattr(upstreams, upstream.name, configured.model_copy(update={"url": url}))
    return settings.model_copy(update={"upstreams": upstreams})


def uses_builtin_mocks(settings: Settings) -> bool:
    return bool(_builtin(settings))


def _builtin(settings: Settings) -> list[Upstream]:
    """The upstreams that are configured nowhere: the built-in mocks stand in for them."""
    return [
        upstream
        for upstream in UPSTREAMS
        if not settings.upstream(upstream.name).url
        and not settings.upstream(upstream.name).endpoints
    ]


def mock_config(settings: Settings, state_dir: Path) -> MockConfig:
    return MockConfig(
        state_path=state_dir / "mocks.sqlite3",
        today=settings.pinned_today(),
        journal_size=settings.mocks.journal_size,
        options=settings.mocks.options,
        max_request_bytes=settings.mocks.max_request_bytes,
        admin_token=settings.mocks.admin_token,
    )


def state_dir(settings: Settings) -> Path:
    """The configured directory, or a fresh private temp dir for this run."""
    if settings.mocks.state_dir is not None:
        settings.mocks.state_dir.mkdir(parents=True, exist_ok=True)
        return settings.mocks.state_dir
    return Path(tempfile.mkdtemp(prefix="etjanst-mocks-"))


def combined_app(settings: Settings, base_url: str, mocks_dir: Path) -> WSGIApp:
    """/mocks/... to the mocks, everything else to the gateway."""
    gateway = create_app(with_builtin_upstreams(settings, base_url))
    mocks = create_mocks_app(mock_config(settings, mocks_dir))

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        app = mocks if path == "/mocks" or path.startswith("/mocks/") else gateway
        return app(environ, start_response)

    return dispatch


def mocks_only_app(settings: Settings, mocks_dir: Path) -> WSGIApp:
    return create_mocks_app(mock_config(settings, mocks_dir))


@dataclass
class RunningServer:
    """A threaded werkzeug server in a background thread (tests, `etjanst contracts`)."""

    server: BaseWSGIServer
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def serve_in_thread(build: Callable[[str], WSGIApp], host: str = "127.0.0.1") -> RunningServer:
    """Bind a free port first, then build the app knowing its own URL."""
    server = make_server(host, 0, lambda environ, start: [], threaded=True)
    url = loopback_url(host, server.port)
    server.app = build(url)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="etjanst-server")
    thread.start()
    return RunningServer(server, thread, url)
