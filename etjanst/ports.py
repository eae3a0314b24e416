"""The server's listening sockets, bound before anything is printed or started: a port in use is
one readable line instead of a banner followed by gunicorn's retries and traceback, and no other
server can take the port between that check and the start."""

from __future__ import annotations

import errno
import socket

LOOPBACK = "127.0.0.1"


class PortUnavailable(Exception):
    """The server cannot listen where asked; the message says why, in one line."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) the way gunicorn binds one (SO_REUSEADDR), listening.
    Port 0: a free port the system chooses."""
    try:
        addresses = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise PortUnavailable(f"cannot listen on {host}: {exc.strerror}") from exc
    family, kind, proto, _, address = addresses[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(2048)  # gunicorn's default backlog
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} on {host} is already in use (another etjanst up or mocks?); "
                "choose another with --port"
            ) from exc
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return listener
