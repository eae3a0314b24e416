"""Feeding the journal: an observer on every upstream client collects the exchanges of the
gateway request in hand, and after the request, its answer and those exchanges are written.

Installed only when `debug.enabled`: otherwise no observer is registered and no hook runs, so
the gateway does nothing it would not do anyway."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from sqlalchemy.exc import SQLAlchemyError

from contracts.privacy import mask_text
from gateway.debug.journal import DebugJournal, JournalExchange, JournalRequest
from gateway.debug.wire import shown_text
from gateway.upstreams.http import Exchange, UpstreamClient

# Only the API and the RIV-TA producers: the page itself, /metrics, /docs... would crowd it.
JOURNALED_PREFIXES = ("/v1/", "/riv/")

log = logging.getLogger("etjanst.debug")
_exchanges: ContextVar[list[JournalExchange] | None] = ContextVar("debug_exchanges", default=None)


class DebugCapture:
    def __init__(self, journal: DebugJournal, max_body_bytes: int) -> None:
        self.journal, self.limit = journal, max_body_bytes

    def install(self, app: Flask, upstreams: dict[str, UpstreamClient]) -> None:
        for client in upstreams.values():
            client.http.observers.append(self.observe)
        app.before_request(self._start)
        app.after_request(self._finish)

    def observe(self, exchange: Exchange) -> None:
        kept = _exchanges.get()
        if kept is not None:  # made outside a journaled request: not ours to keep
            kept.append(JournalExchange.of(exchange, self.limit))

    def _start(self) -> None:
        journaled = request.path.startswith(JOURNALED_PREFIXES)
        _exchanges.set([] if journaled else None)
        g.debug_started = time.perf_counter()

    def _finish(self, response: Response) -> Response:
        kept = _exchanges.get()
        if kept is None:
            return response
        _exchanges.set(None)
        if response.is_json or response.mimetype.endswith(("+json", "/xml", "+xml")):
            answer = shown_text(response.get_data(), self.limit)
        else:
            answer = f"({response.mimetype}, {response.content_length or 0} bytes, not shown)"
        entry = JournalRequest(
            id=0,
            correlation_id=g.get("correlation_id", ""),
            method=request.method,
            path=mask_text(request.full_path.rstrip("?")),
            status=response.status_code,
            elapsed_ms=round((time.perf_counter() - g.debug_started) * 1000, 1),
            created_at=datetime.now(UTC),
            answer_type=response.mimetype,
            answer=answer,
            exchanges=kept,
        )
        try:
            self.journal.record(entry)
        except SQLAlchemyError:  # the journal is a help, never a reason to fail a request
            log.exception("the debug journal could not record %s", entry.correlation_id)
        return response
