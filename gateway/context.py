"""Per-request values that cross layers without being passed through every call: the
correlation id goes upstream as x-skltp-correlation-id from the SOAP transport plugin."""

from contextvars import ContextVar

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
