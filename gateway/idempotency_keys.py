"""Idempotency-Key for requests that change something upstream (POST /v1/listing).

The first request with a key runs; a repeat with the same key and the same request gets the
stored answer without running again (with `Idempotent-Replayed: true`); the same key with a
different request is refused (422 IDEMPOTENCY_KEY_REUSED), and so is a repeat while the first
still runs (409 IDEMPOTENCY_KEY_IN_USE). Only successes are kept: a refused or failed request
may be retried with the same key. Keys are kept for `ttl_s` (24 hours by default) in one SQLite
file that every worker process shares; what is stored is keyed by a hash, so no identity number
is written in it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gateway.errors import ApiError

Answer = tuple[int, Any, dict[str, str]]  # status, JSON body, headers
REPLAYED_HEADER = "Idempotent-Replayed"
# a pending key older than this was left by a request that died: anyone may take it over
ABANDONED_AFTER_S = 120.0

SCHEMA = """CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER, body TEXT, headers TEXT,
    created REAL NOT NULL
)"""


class IdempotencyKeyReused(ApiError):
    status, code, title = 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key used for another request"


class IdempotencyKeyInUse(ApiError):
    status, code, title = 409, "IDEMPOTENCY_KEY_IN_USE", "A request with this key is still running"


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, path: Path, ttl_s: float = 24 * 3600) -> None:
        self.path, self.ttl_s = path, ttl_s
        self._local = threading.local()
        self._connection().execute(SCHEMA)

    def run(self, key: str, fingerprint: str, compute: Callable[[], Answer]) -> Answer:
        """`compute()` once per key: its answer, or the one stored for the key."""
        with self._transaction() as db:
            now = time.time()
            db.execute("DELETE FROM idempotency WHERE created < ?", (now - self.ttl_s,))
            row = db.execute(
                "SELECT fingerprint, status, body, headers, created FROM idempotency WHERE key=?",
                (key,),
            ).fetchone()
            if row is not None:
                stored_fingerprint, status, body, headers, created = row
                if stored_fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        "this Idempotency-Key was used for a different request; use a new key"
                    )
                if status is not None:
                    return (
                        status,
                        json.loads(body),
                        {**json.loads(headers), REPLAYED_HEADER: "true"},
                    )
                if created > now - ABANDONED_AFTER_S:
                    raise IdempotencyKeyInUse("retry when the first request has been answered")
            db.execute(
                "INSERT OR REPLACE INTO idempotency (key, fingerprint, created) VALUES (?, ?, ?)",
                (key, fingerprint, now),
            )
        try:
            status, body, headers = compute()
        except BaseException:
            self._connection().execute("DELETE FROM idempotency WHERE key=?", (key,))
            raise
        self._connection().execute(
            "UPDATE idempotency SET status=?, body=?, headers=? WHERE key=?",
            (status, json.dumps(body), json.dumps(headers), key),
        )
        return status, body, headers

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened in this process (never one inherited over a fork)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            local.db.execute("PRAGMA journal_mode=WAL")
            local.pid = os.getpid()
        db: sqlite3.Connection = local.db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
