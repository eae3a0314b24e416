"""Is the port free? Asked before anything is printed or started, so a clash is one readable line
instead of a banner followed by gunicorn's retries and traceback."""

from __future__ import annotations

import errno
import socket


class PortUnavailable(Exception):
    """The server cannot listen where asked; the message says why, in one line."""


def ensure_free(host: str, port: int) -> None:
    """Bind (host, port) the way gunicorn will, SO_REUSEADDR included, and let go at once.
    Another server could still take the port in between; this is for the common mistake."""
    try:
        addresses = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise PortUnavailable(f"cannot listen on {host}: {exc.strerror}") from exc
    family, kind, proto, _, address = addresses[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortUnavailable(
                    f"port {port} on {host} is already in use (another etjanst up or mocks?); "
                    "choose another with --port"
                ) from exc
            raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
