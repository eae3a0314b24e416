"""The mocks' shared state in one SQLite file: datasets, stubs, faults and the journal.

A file, not process memory, so that what the admin API sets holds for every later request
however the server runs: several threads, or several gunicorn worker processes. Each process
keeps a parsed copy of a dataset and rereads it only when its version changes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (mock TEXT PRIMARY KEY, version INTEGER, doc TEXT);
CREATE TABLE IF NOT EXISTS dataset_versions (n INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE IF NOT EXISTS rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT, mock TEXT, kind TEXT, spec TEXT, remaining INTEGER
);
CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY AUTOINCREMENT, mock TEXT, entry TEXT);
CREATE INDEX IF NOT EXISTS journal_by_mock ON journal (mock, id);
"""
TRIM_EVERY = 50


class MockStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._cache: dict[str, tuple[int, Any]] = {}
        with self._connection() as db:
            db.executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the database lock up front (one writer at a time)."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # datasets ------------------------------------------------------------------------------
    def dataset(self, mock: str, default: Callable[[], Any], parse: Callable[[Any], Any]) -> Any:
        """The mock's current dataset, parsed; `default()` seeds it on first use."""
        db = self._connection()
        row = db.execute("SELECT version FROM datasets WHERE mock=?", (mock,)).fetchone()
        if row is None:
            self.put_dataset(mock, default(), only_if_absent=True)
            row = db.execute("SELECT version FROM datasets WHERE mock=?", (mock,)).fetchone()
        cached = self._cache.get(mock)
        if cached and cached[0] == row[0]:
            return cached[1]
        version, doc = db.execute(
            "SELECT version, doc FROM datasets WHERE mock=?", (mock,)
        ).fetchone()
        parsed = parse(json.loads(doc))
        self._cache[mock] = (version, parsed)
        return parsed

    def put_dataset(self, mock: str, doc: Any, only_if_absent: bool = False) -> None:
        text = json.dumps(doc)
        verb = "INSERT OR IGNORE" if only_if_absent else "INSERT OR REPLACE"
        with self._transaction() as db:
            # versions are never reused, even across resets, so no process keeps a stale copy
            version = db.execute("INSERT INTO dataset_versions DEFAULT VALUES").lastrowid
            db.execute(f"{verb} INTO datasets VALUES (?, ?, ?)", (mock, version, text))

    def raw_dataset(self, mock: str) -> Any:
        row = self._connection().execute("SELECT doc FROM datasets WHERE mock=?", (mock,))
        found = row.fetchone()
        return json.loads(found[0]) if found else None

    # stubs and faults ----------------------------------------------------------------------
    def add_rule(self, mock: str, kind: str, spec: dict[str, Any], times: int | None) -> int:
        cursor = self._connection().execute(
            "INSERT INTO rules (mock, kind, spec, remaining) VALUES (?, ?, ?, ?)",
            (mock, kind, json.dumps(spec), times),
        )
        return int(cursor.lastrowid or 0)

    def rules(self, mock: str, kind: str) -> list[dict[str, Any]]:
        rows = self._connection().execute(
            "SELECT id, spec, remaining FROM rules WHERE mock=? AND kind=? ORDER BY id",
            (mock, kind),
        )
        return [{"id": i, **json.loads(s), "remaining": r} for i, s, r in rows]

    def clear_rules(self, mock: str, kind: str | None = None) -> int:
        if kind is None:
            cursor = self._connection().execute("DELETE FROM rules WHERE mock=?", (mock,))
        else:
            cursor = self._connection().execute(
                "DELETE FROM rules WHERE mock=? AND kind=?", (mock, kind)
            )
        return cursor.rowcount

    def take_rule(
        self, mock: str, kind: str, matches: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any] | None:
        """The newest rule of `kind` that matches, counting one use of it atomically across
        processes. Without rules this is one cheap read and takes no write lock."""
        db = self._connection()
        if (
            db.execute("SELECT 1 FROM rules WHERE mock=? AND kind=?", (mock, kind)).fetchone()
            is None
        ):
            return None
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, spec, remaining FROM rules WHERE mock=? AND kind=? ORDER BY id DESC",
                (mock, kind),
            ).fetchall()
            for rule_id, spec_text, remaining in rows:
                spec = json.loads(spec_text)
                if not matches(spec):
                    continue
                if remaining is None:
                    pass
                elif remaining <= 1:
                    db.execute("DELETE FROM rules WHERE id=?", (rule_id,))
                else:
                    db.execute("UPDATE rules SET remaining=remaining-1 WHERE id=?", (rule_id,))
                return spec
            return None

    # journal -------------------------------------------------------------------------------
    def record(self, mock: str, entry: dict[str, Any], limit: int) -> None:
        entry = {**entry, "at": datetime.now(UTC).isoformat(timespec="milliseconds")}
        db = self._connection()
        cursor = db.execute(
            "INSERT INTO journal (mock, entry) VALUES (?, ?)", (mock, json.dumps(entry))
        )
        if (cursor.lastrowid or 0) % TRIM_EVERY == 0:
            self._trim(mock, limit)

    def _trim(self, mock: str, limit: int) -> None:
        db = self._connection()
        row = db.execute(
            "SELECT id FROM journal WHERE mock=? ORDER BY id DESC LIMIT 1 OFFSET ?", (mock, limit)
        ).fetchone()
        if row is not None:
            db.execute("DELETE FROM journal WHERE mock=? AND id<=?", (mock, row[0]))

    def journal(self, mock: str, limit: int) -> list[dict[str, Any]]:
        rows = (
            self._connection()
            .execute(
                "SELECT entry FROM journal WHERE mock=? ORDER BY id DESC LIMIT ?", (mock, limit)
            )
            .fetchall()
        )
        return [json.loads(text) for (text,) in reversed(rows)]

    def clear_journal(self, mock: str) -> None:
        self._connection().execute("DELETE FROM journal WHERE mock=?", (mock,))

    # everything ----------------------------------------------------------------------------
    def reset(self, mock: str) -> None:
        with self._transaction() as db:
            for table in ("datasets", "rules", "journal"):
                db.execute(f"DELETE FROM {table} WHERE mock=?", (mock,))
        self._cache.pop(mock, None)
