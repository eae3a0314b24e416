"""Idempotency-Key: the answer to a request, kept durably so that a retry with the same key and
body gets the same answer and never repeats the work, across worker processes and restarts.

One SQLite file (`booking.idempotency_db`) shared by every worker. A key is claimed in a write
transaction before the work starts; a second request with the key waits for the first one's
answer. Work that fails releases the key, so a retry does it again. Answers are kept for a day.

The interface is `IdempotencyStore.run(scope, fingerprint, work)`; where the answers live is
this module's business alone.
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
from dataclasses import dataclass
from pathlib import Path

from gateway.errors import IdempotencyKeyInProgress, IdempotencyKeyReused

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    scope TEXT PRIMARY KEY,   -- a hash of who asked, where, and the key
    fingerprint TEXT NOT NULL,-- a hash of the request body
    answer TEXT,              -- JSON of the stored answer; NULL while the work runs
    at REAL NOT NULL          -- when claimed or answered (epoch seconds)
);
"""
KEEP_S = 24 * 3600
# a claim this old without an answer belongs to a process that died: another request may take it
STALE_S = 120.0
POLL_S = 0.05


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # JSON text
    headers: dict[str, str]


def digest(*parts: str) -> str:
    """A hash of text parts; text that is not valid Unicode (lone surrogates) is hashed too."""
    joined = "\x1f".join(parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


class IdempotencyStore:
    def __init__(self, path: Path, wait_s: float = 30.0) -> None:
        self.path, self.wait_s = path, wait_s
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._transaction() as db:
            db.execute(SCHEMA)

    def run(self, scope: str, fingerprint: str, work: Callable[[], Answer]) -> Answer:
        """`work()`'s answer, done at most once per `scope`; the stored answer for a repeat
        with the same `fingerprint`. Raises IdempotencyKeyReused for another fingerprint, and
        IdempotencyKeyInProgress when the first request is still working after `wait_s`."""
        deadline = time.monotonic() + self.wait_s
        while True:
            stored = self._claim(scope, fingerprint)
            if stored is None:
                break  # ours to do
            if isinstance(stored, Answer):
                return stored
            if time.monotonic() > deadline:
                raise IdempotencyKeyInProgress(
                    "a request with this Idempotency-Key is still being processed; retry later"
                )
            time.sleep(POLL_S)
        try:
            answer = work()
        except BaseException:
            with self._transaction() as db:
                db.execute("DELETE FROM answers WHERE scope=? AND answer IS NULL", (scope,))
            raise
        text = json.dumps({"status": answer.status, "body": answer.body, "headers": answer.headers})
        with self._transaction() as db:
            db.execute(
                "UPDATE answers SET answer=?, at=? WHERE scope=?", (text, time.time(), scope)
            )
        return answer

    def _claim(self, scope: str, fingerprint: str) -> Answer | bool | None:
        """None: claimed for this request; an Answer: the stored one; True: someone is on it."""
        now = time.time()
        with self._transaction() as db:
            db.execute("DELETE FROM answers WHERE at < ? AND answer IS NOT NULL", (now - KEEP_S,))
            row = db.execute(
                "SELECT fingerprint, answer, at FROM answers WHERE scope=?", (scope,)
            ).fetchone()
            if row is not None and row[0] != fingerprint:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was used with another request body; use a new key"
                )
            if row is not None and row[1] is not None:
                stored = json.loads(row[1])
                return Answer(stored["status"], stored["body"], stored["headers"])
            if row is not None and now - row[2] < STALE_S:
                return True
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, NULL, ?)", (scope, fingerprint, now)
            )
            return None

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (never carried over a fork)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # Only short write transactions: SQLite's default journal and its busy timeout
            # queue them across processes.
            local.db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            local.pid = os.getpid()
        connection: sqlite3.Connection = local.db
        return connection

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
