"""The gateway's journal of its own exchanges, for /_debug: per gateway request (keyed by its
correlation id) the answer it gave and every upstream exchange it made, answered or not.

It lives in the gateway's database (two tables, pruned to `debug.max_entries` requests on every
write) rather than in memory: `etjanst up` and production run several worker processes, and the
page must show a request whichever worker served it and whichever serves the page. Everything is
masked and cut before it is written: no identity number reaches the database in clear."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, exists, insert, select
from sqlalchemy.sql.elements import ColumnElement

from contracts.privacy import mask_text
from gateway.debug.wire import shown_headers, shown_text
from gateway.store import open_store
from gateway.store.tables import debug_exchanges, debug_requests
from gateway.upstreams.http import Exchange

STATUS_FILTER = re.compile(r"([1-5])(?:xx|[0-9]{2})", re.IGNORECASE)


@dataclass(frozen=True)
class JournalExchange:
    upstream: str
    operation: str | None
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int | None  # None: no answer
    response_headers: dict[str, str] | None
    response_body: str | None
    elapsed_ms: float
    outcome: str  # ok, HTTP <status>, or the gateway's error code for a transport failure
    error: str | None

    @classmethod
    def of(cls, exchange: Exchange, limit: int) -> JournalExchange:
        """An exchange as the journal keeps it: masked, bodies cut after `limit` bytes."""
        sent, received = exchange.sent, exchange.received
        if exchange.error is not None or received is None:
            outcome = exchange.error.code if exchange.error else "no answer"
        else:
            outcome = "ok" if received.status_code < 300 else f"HTTP {received.status_code}"
        return cls(
            upstream=exchange.upstream,
            operation=exchange.operation,
            method=sent.method,
            url=mask_text(sent.url),
            request_headers=shown_headers(sent.headers),
            request_body=shown_text(sent.body, limit),
            status=received.status_code if received else None,
            response_headers=shown_headers(received.headers) if received else None,
            response_body=shown_text(received.content, limit) if received else None,
            elapsed_ms=round(exchange.elapsed_s * 1000, 1),
            outcome=outcome,
            error=mask_text(exchange.error.detail) if exchange.error else None,
        )


@dataclass(frozen=True)
class JournalRequest:
    id: int
    correlation_id: str
    method: str
    path: str
    status: int
    elapsed_ms: float
    created_at: datetime
    answer_type: str
    answer: str
    exchanges: list[JournalExchange] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    """What the page's form filters on; empty strings match everything."""

    correlation: str = ""
    upstream: str = ""
    operation: str = ""
    status: str = ""  # 502, or a class: 5xx

    @classmethod
    def of(cls, query: Mapping[str, str]) -> Filters:
        """Raises ValueError for a status that is neither a code nor a class."""
        found = cls(**{name: query.get(name, "").strip() for name in cls.__dataclass_fields__})
        if found.status and not STATUS_FILTER.fullmatch(found.status):
            raise ValueError("status: a code such as 502, or a class such as 5xx")
        return found

    def where(self) -> ColumnElement[bool]:
        conditions: list[ColumnElement[bool]] = []
        if self.correlation:
            conditions.append(debug_requests.c.correlation_id == self.correlation)
        if self.status:
            if self.status.lower().endswith("xx"):
                low = int(self.status[0]) * 100
                conditions.append(debug_requests.c.status.between(low, low + 99))
            else:
                conditions.append(debug_requests.c.status == int(self.status))
        made: list[ColumnElement[bool]] = []
        if self.upstream:
            made.append(debug_exchanges.c.upstream == self.upstream)
        if self.operation:
            made.append(debug_exchanges.c.operation == self.operation)
        if made:
            conditions.append(
                exists().where(debug_exchanges.c.request_id == debug_requests.c.id, *made)
            )
        return and_(True, *conditions)


class DebugJournal:
    def __init__(self, engine: Engine, max_entries: int) -> None:
        self.engine, self.max_entries = engine, max_entries

    @classmethod
    def open(cls, database_url: str, max_entries: int) -> DebugJournal:
        return cls(open_store(database_url), max_entries)

    def record(self, request: JournalRequest) -> None:
        """Write one gateway request and its exchanges, and forget the oldest beyond
        `max_entries`."""
        with self.engine.begin() as connection:
            values = {k: v for k, v in vars(request).items() if k not in ("id", "exchanges")}
            new_id = connection.execute(
                insert(debug_requests).values(**values)
            ).inserted_primary_key[0]
            if request.exchanges:
                connection.execute(
                    insert(debug_exchanges),
                    [{"request_id": new_id, **vars(e)} for e in request.exchanges],
                )
            cut = new_id - self.max_entries
            if cut > 0:
                connection.execute(
                    delete(debug_exchanges).where(debug_exchanges.c.request_id <= cut)
                )
                connection.execute(delete(debug_requests).where(debug_requests.c.id <= cut))

    def recent(self, filters: Filters, limit: int) -> list[JournalRequest]:
        """The newest first, each with its exchanges."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(debug_requests)
                .where(filters.where())
                .order_by(debug_requests.c.id.desc())
                .limit(limit)
            ).all()
            exchanges = self._exchanges(connection, [row.id for row in rows])
        return [_request(row._mapping, exchanges.get(row.id, [])) for row in rows]

    def one(self, entry: int) -> JournalRequest | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(debug_requests).where(debug_requests.c.id == entry)
            ).first()
            if row is None:
                return None
            return _request(row._mapping, self._exchanges(connection, [entry]).get(entry, []))

    @staticmethod
    def _exchanges(connection: Any, ids: Sequence[int]) -> dict[int, list[JournalExchange]]:
        found: dict[int, list[JournalExchange]] = {}
        if not ids:
            return found
        rows = connection.execute(
            select(debug_exchanges)
            .where(debug_exchanges.c.request_id.in_(ids))
            .order_by(debug_exchanges.c.id)
        )
        for row in rows:
            values = dict(row._mapping)
            request_id = values.pop("request_id")
            values.pop("id")
            found.setdefault(request_id, []).append(JournalExchange(**values))
        return found


def _request(values: Mapping[str, Any], exchanges: list[JournalExchange]) -> JournalRequest:
    created = values["created_at"]
    if created.tzinfo is None:  # SQLite gives naive datetimes back
        created = created.replace(tzinfo=UTC)
    return JournalRequest(**{**values, "created_at": created}, exchanges=exchanges)
