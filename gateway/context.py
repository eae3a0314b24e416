"""Per-request values that cross layers without being passed through every call: the
correlation id goes upstream as x-skltp-correlation-id from the SOAP transport plugin, and what
a request read from its upstreams is held until its answer has been sent."""

from contextvars import ContextVar

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_held: ContextVar[list[object] | None] = ContextVar("held_until_answered", default=None)


def hold_until_answered(value: object) -> None:
    """Keep `value` alive until the request's answer has been sent (see `held_for_request`).
    Freeing a large upstream answer's tree takes time (a 2,000-record list is about 100,000
    lxml nodes: 7-15 ms), which then no longer delays the answer. Outside a request, nothing is
    held."""
    held = _held.get()
    if held is not None:
        held.append(value)


def held_for_request() -> list[object]:
    """A new request's holdings: the server clears the list once the answer is sent (and the
    next request on this thread replaces it, should that never happen)."""
    held: list[object] = []
    _held.set(held)
    return held
