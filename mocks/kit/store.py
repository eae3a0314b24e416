"""The mocks' shared state in one SQLite file: datasets, entities, stubs, faults and the journal.

A file, not process memory, so that what the admin API sets and what requests change holds for
every later request however the server runs: several threads, or several gunicorn worker
processes. Each process keeps a parsed copy of a dataset and rereads it only when its version
changes.

The dataset is the document a mock starts from (its default, or one PUT by the admin API).
Entities are the mutable state requests change (a slot booked, a visit registered), kept as JSON
documents by (mock, kind, key). A mock's backend changes them in one call per business action:

    with store.transaction("booking") as tx:  # one writer at a time, across processes
        slot = tx.get("slot", slot_id)
        ...
        tx.put("slot", slot_id, {**slot, "booked_by": citizen})

The transaction takes the write lock up front (`BEGIN IMMEDIATE`), so what it reads stays true
until it commits, and it commits all its writes or, on any exception, none. A check-then-write in
it is therefore race-free across threads and processes; the primary key is a real constraint on
top (`insert` of a key that is there raises EntityExists). So there is no secondary unique index:
a rule such as "one booking per slot" is a check in the transaction, or the key itself. Reads
that need no lock go through `store.entities(mock)`: each call there reads the latest commit.

Stubs, faults and datasets change rarely but are consulted on every request: a counter shared
through memory (versions.py) is bumped after each change, and while it stands still a worker
answers "any rules for this mock?" and "which dataset?" from what it read last, without SQLite.
Taking a rule (and so `times`) still happens in a write transaction.

Connections are per thread and per process. Build the store in the process that uses it: gunicorn
workers do, as each builds its app after the fork. A store that crosses a fork anyway opens new
connections in the child and leaves the inherited ones alone, never using or closing them, as
SQLite requires (https://sqlite.org/howtocorrupt.html, "carrying an open database connection
across a fork").
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import orjson

from contracts.privacy import mask_text
from mocks.kit import pieces
from mocks.kit.locks import ProcessesLock
from mocks.kit.versions import SharedVersion
from mocks.kit.write_behind import WriteBehind

log = logging.getLogger("etjanst.mocks")

SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (mock TEXT PRIMARY KEY, version INTEGER, doc TEXT);
CREATE TABLE IF NOT EXISTS dataset_versions (n INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE IF NOT EXISTS rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT, mock TEXT, kind TEXT, spec TEXT, remaining INTEGER
);
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT, mock TEXT, entry TEXT, pieces TEXT
);
CREATE INDEX IF NOT EXISTS journal_by_mock ON journal (mock, id);
CREATE TABLE IF NOT EXISTS journal_pieces (
    mock TEXT, digest TEXT, last_entry INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (mock, digest)
);
CREATE TABLE IF NOT EXISTS journal_clears (mock TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    mock TEXT, kind TEXT, key TEXT, doc TEXT NOT NULL, PRIMARY KEY (mock, kind, key)
);
"""
TRIM_EVERY = 50
# Digests of journal pieces a store remembers as stored, by mock, before it starts afresh.
MAX_KNOWN_PIECES = 4096
# How many entries (counted across mocks) a journal piece may be used without being marked
# again, and so how long it outlives the last entry that uses it (see _use_pieces).
PIECE_GRACE = 500
# Bound parameters per query reading pieces, far below SQLite's limit.
PIECES_PER_QUERY = 500
# Long enough for any queue of short transactions, short enough that a stuck writer shows as an
# error ("database is locked") well before gunicorn's worker timeout (60 s) kills the worker.
BUSY_TIMEOUT_S = 10.0

Document = dict[str, Any]
# fills a mock's entities from its dataset document, inside the transaction that stores it
Seed = Callable[["Entities", Any], None]

# connections inherited over a fork: kept referenced so that they are never closed in the child
_inherited: list[sqlite3.Connection] = []


class EntityError(Exception):
    """An entity operation refused; `mock`, `kind` and `key` say which entity."""

    def __init__(self, mock: str, kind: str, key: str) -> None:
        super().__init__(f"{mock}: {kind} {key!r}")
        self.mock, self.kind, self.key = mock, kind, key


class EntityExists(EntityError):
    """insert() of a key that is already there."""


class EntityNotFound(EntityError):
    """update() of a key that is not there."""


class EntityView:
    """Reads of one mock's entities. Lists come ordered by key."""

    def __init__(self, mock: str, connection: Callable[[], sqlite3.Connection]) -> None:
        self.mock = mock
        self._connection = connection

    def _execute(self, sql: str, *params: Any) -> sqlite3.Cursor:
        """`sql` with the mock as its first parameter."""
        return self._connection().execute(sql, (self.mock, *params))

    def get(self, kind: str, key: str) -> Document | None:
        row = self._execute(
            "SELECT doc FROM entities WHERE mock=? AND kind=? AND key=?", kind, key
        ).fetchone()
        return orjson.loads(row[0]) if row else None

    def count(self, kind: str) -> int:
        (n,) = self._execute(
            "SELECT count(*) FROM entities WHERE mock=? AND kind=?", kind
        ).fetchone()
        return int(n)

    def list(
        self,
        kind: str,
        where: Callable[[Document], bool] | None = None,
        keys: tuple[str, str] | None = None,
    ) -> list[Document]:
        """`keys` (low, high): only entities whose key is at least low and below high, read
        from SQLite's index rather than decoded and filtered one by one."""
        if keys is None:
            rows = self._execute(
                "SELECT doc FROM entities WHERE mock=? AND kind=? ORDER BY key", kind
            )
        else:
            rows = self._execute(
                "SELECT doc FROM entities WHERE mock=? AND kind=? AND key>=? AND key<? "
                "ORDER BY key",
                kind,
                *keys,
            )
        docs = (orjson.loads(text) for (text,) in rows)
        return [doc for doc in docs if where is None or where(doc)]


class Entities(EntityView):
    """One mock's entities within one write transaction, usable only until it ends."""

    def __init__(self, mock: str, db: sqlite3.Connection) -> None:
        super().__init__(mock, self._bound)
        self._db: sqlite3.Connection | None = db

    def _bound(self) -> sqlite3.Connection:
        # a write after the end would commit on its own, outside the transaction it was meant for
        if self._db is None:
            raise RuntimeError(f"{self.mock}: the transaction of these entities has ended")
        return self._db

    def __enter__(self) -> Entities:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db = None

    def insert(self, kind: str, key: str, doc: Document) -> None:
        try:
            self._execute("INSERT INTO entities VALUES (?, ?, ?, ?)", kind, key, json.dumps(doc))
        except sqlite3.IntegrityError as exc:
            raise EntityExists(self.mock, kind, key) from exc

    def put(self, kind: str, key: str, doc: Document) -> None:
        """Insert or replace."""
        self._execute(
            "INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?)", kind, key, json.dumps(doc)
        )

    def update(self, kind: str, key: str, change: Callable[[Document], Document]) -> Document:
        """Replace the entity by `change(current)`; return the new one."""
        current = self.get(kind, key)
        if current is None:
            raise EntityNotFound(self.mock, kind, key)
        changed = change(current)
        self.put(kind, key, changed)
        return changed

    def delete(self, kind: str, key: str) -> bool:
        cursor = self._execute("DELETE FROM entities WHERE mock=? AND kind=? AND key=?", kind, key)
        return cursor.rowcount > 0

    def clear(self, kind: str | None = None) -> int:
        """Delete every entity of `kind`, or of every kind; return how many."""
        if kind is None:
            return self._execute("DELETE FROM entities WHERE mock=?").rowcount
        return self._execute("DELETE FROM entities WHERE mock=? AND kind=?", kind).rowcount


class _Prepared(NamedTuple):
    """A journal entry ready to write."""

    mock: str
    limit: int  # how many of the mock's entries the journal keeps (when recorded)
    entry: str  # the entry without its pieces, as JSON
    refs: str  # where its pieces were, those kept in the entry with their text, as JSON
    stored: dict[str, str]  # the pieces stored on their own, by digest


class _Later(NamedTuple):
    """A journal entry handed in to be written behind: `build()` makes it, on the writer."""

    mock: str
    build: Callable[[], dict[str, Any]]
    limit: int


class MockStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        # by mock: (dataset version, shared version when it was last confirmed, parsed dataset)
        self._cache: dict[str, tuple[int, int, Any]] = {}
        # (shared version, the (mock, kind) pairs that had rules then)
        self._rule_kinds: tuple[int, frozenset[tuple[str, str]]] | None = None
        self.version = SharedVersion(path.with_name(path.name + ".version"))
        # Writers queue here rather than in SQLite, whose busy handler sleeps 1 to 100 ms
        # between tries: with one request's write taking about a tenth of a millisecond, a
        # worker's threads spent more time asleep on the lock than writing.
        self._writers = ProcessesLock(path.with_name(path.name + ".lock"))
        # by mock: the journal's clear count and the pieces this process stored or marked
        # since, with the entry that did (see _use_pieces)
        self._known_pieces: dict[str, tuple[int, dict[str, int]]] = {}
        # digests of journal pieces this process has seen, stored or not
        self._seen_pieces: set[str] = set()
        self._written_behind: WriteBehind[_Later] = WriteBehind(
            self._write_later, path.with_name(path.name + ".journal-progress")
        )
        with self._connection() as db:
            db.executescript(SCHEMA)
        with self._transaction() as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(journal)")}
            if "pieces" not in columns:  # a state file from before journal pieces
                db.execute("ALTER TABLE journal ADD COLUMN pieces TEXT")

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened in this process."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if hasattr(local, "db"):
                _inherited.append(local.db)
            local.db = self._connect()
            local.pid = os.getpid()
        return local.db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                (mode,) = db.execute("PRAGMA journal_mode=WAL").fetchone()
                break
            except sqlite3.OperationalError as exc:
                # SQLite does not wait for the lock that switching a new file to WAL takes, so
                # this fails at once while a worker starting at the same time holds it
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    db.close()
                    raise
                time.sleep(0.005)
        if mode != "wal":  # without it, readers and the writer would block each other
            db.close()
            raise RuntimeError(f"{self.path}: SQLite cannot use write-ahead logging here ({mode})")
        db.execute("PRAGMA synchronous=OFF")
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the database lock up front (one writer at a time)."""
        with self._writers.held(), self._begun() as db:
            yield db

    @contextmanager
    def _begun(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, the writers' lock held."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite ends it by itself after some errors
                db.execute("ROLLBACK")
            raise

    # entities ------------------------------------------------------------------------------
    @contextmanager
    def transaction(self, mock: str) -> Iterator[Entities]:
        """The mock's entities in a write transaction: committed when the block ends, rolled back
        entirely when it raises."""
        with self._transaction() as db, Entities(mock, db) as tx:
            yield tx

    def entities(self, mock: str) -> EntityView:
        """The mock's entities to read, without a lock; usable from any thread."""
        return EntityView(mock, self._connection)

    # datasets ------------------------------------------------------------------------------
    def dataset(
        self,
        mock: str,
        default: Callable[[], Any],
        parse: Callable[[Any], Any],
        seed: Seed | None = None,
    ) -> Any:
        """The mock's current dataset, parsed; `default()` (and `seed`) seed it on first use."""
        seen = self.version.current()  # before reading: a change after this shows next time
        cached = self._cache.get(mock)
        if cached and cached[1] == seen:
            return cached[2]
        db = self._connection()
        row = db.execute("SELECT version FROM datasets WHERE mock=?", (mock,)).fetchone()
        if row is None:
            self.put_dataset(mock, default(), only_if_absent=True, seed=seed)
            row = db.execute("SELECT version FROM datasets WHERE mock=?", (mock,)).fetchone()
        if cached and cached[0] == row[0]:
            self._cache[mock] = (cached[0], seen, cached[2])
            return cached[2]
        version, doc = db.execute(
            "SELECT version, doc FROM datasets WHERE mock=?", (mock,)
        ).fetchone()
        parsed = parse(json.loads(doc))
        self._cache[mock] = (version, seen, parsed)
        return parsed

    def put_dataset(
        self, mock: str, doc: Any, only_if_absent: bool = False, seed: Seed | None = None
    ) -> None:
        """Store the mock's dataset document. With `seed`, also replace the mock's entities in
        the same transaction: clear them, then `seed(tx, doc)` fills them. So no request sees a
        dataset with another one's entities, and a seed that raises changes nothing."""
        text = json.dumps(doc)
        with self._transaction() as db:
            if (
                only_if_absent
                and db.execute("SELECT 1 FROM datasets WHERE mock=?", (mock,)).fetchone()
            ):
                return
            # versions are never reused, even across resets, so no process keeps a stale copy
            version = db.execute("INSERT INTO dataset_versions DEFAULT VALUES").lastrowid
            db.execute("INSERT OR REPLACE INTO datasets VALUES (?, ?, ?)", (mock, version, text))
            if seed is not None:
                with Entities(mock, db) as tx:
                    tx.clear()
                    seed(tx, doc)
        self.version.bump()

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
        self.version.bump()
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
        self.version.bump()
        return cursor.rowcount

    def take_rule(
        self, mock: str, kind: str, matches: Callable[[dict[str, Any]], bool]
    ) -> tuple[int, dict[str, Any]] | None:
        """The newest rule of `kind` that matches, with its id, counting one use of it
        atomically across processes. While no (mock, kind) has rules and nothing changed, this
        reads nothing but the shared counter and takes no lock."""
        if (mock, kind) not in self._kinds_with_rules():
            return None
        used_up = False
        try:
            with self._transaction() as db:
                rows = db.execute(
                    "SELECT id, spec, remaining FROM rules WHERE mock=? AND kind=? "
                    "ORDER BY id DESC",
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
                        used_up = True
                    else:
                        db.execute("UPDATE rules SET remaining=remaining-1 WHERE id=?", (rule_id,))
                    return rule_id, spec
                return None
        finally:
            if used_up:  # after the commit: other workers stop looking for it
                self.version.bump()

    def _kinds_with_rules(self) -> frozenset[tuple[str, str]]:
        seen = self.version.current()  # before reading: a change after this shows next time
        cached = self._rule_kinds
        if cached is not None and cached[0] == seen:
            return cached[1]
        rows = self._connection().execute("SELECT DISTINCT mock, kind FROM rules").fetchall()
        kinds = frozenset((mock, kind) for mock, kind in rows)
        self._rule_kinds = (seen, kinds)
        return kinds

    # journal -------------------------------------------------------------------------------
    # An entry's long texts (Pieces) are stored once per distinct piece (mocks/kit/pieces.py):
    # journal_pieces holds each piece's text and the newest entry marked as using it, so that
    # trimming entries removes the pieces only they used. An entry and the pieces it names are
    # written in one write transaction, as are a trim and a clear, so that no entry ever names a
    # piece a concurrent trim or clear removed.
    # A mock's answered exchanges are written behind (record_soon, write_behind.py): made and
    # written by the process's journal writer, those of the last moment in one transaction;
    # reading and clearing wait for every process's writer. An entry still pending (a hang) is
    # recorded at once, for its id. Either way an entry is made ready to write (masked pieces
    # taken out, digests, JSON) before the writers' lock.
    def record(self, mock: str, entry: dict[str, Any], limit: int) -> int:
        """The entry's id, for `rewrite`, once the entry is committed (readable at once)."""
        return self._write_batch([self._prepared(mock, entry, limit)])[0]

    def record_soon(self, mock: str, build: Callable[[], dict[str, Any]], limit: int) -> None:
        """Journal the entry `build()` makes, written behind by this process's journal writer
        (write_behind.py) with the others of the moment: `journal` and the journal's clearing
        wait for it, so it is there for whoever asks once the caller has answered."""
        self._written_behind.put(_Later(mock, build, limit))

    def _write_later(self, later: list[_Later]) -> None:
        prepared = []
        for item in later:
            try:
                prepared.append(self._prepared(item.mock, item.build(), item.limit))
            except Exception:  # a bug in making one entry: the others are still written
                log.error(
                    "journal: an entry of %s could not be made:\n%s",
                    item.mock,
                    mask_text(traceback.format_exc()),
                )
        if not prepared:
            return
        try:
            self._write_batch(prepared)
        except Exception:  # one bad entry must not take the others with it: each on its own
            for entry in prepared:
                try:
                    self._write_batch([entry])
                except Exception as exc:
                    log.error("journal: an entry could not be written: %s", mask_text(str(exc)))

    def rewrite(self, mock: str, entry_id: int, entry: dict[str, Any]) -> None:
        """Replace an entry (one recorded while its answer was pending); gone: nothing."""
        prepared = self._prepared(mock, entry, limit=0)
        with self._journal_transaction() as db:
            if db.execute(
                "SELECT 1 FROM journal WHERE mock=? AND id=?", (mock, entry_id)
            ).fetchone():
                self._write_entry(db, prepared, entry_id, self._known(db, mock))

    def _prepared(self, mock: str, entry: dict[str, Any], limit: int) -> _Prepared:
        """The entry as it is written, all that needs no database done before taking the lock
        every writer of every worker queues on."""
        entry = {**entry, "at": datetime.now(UTC).isoformat(timespec="milliseconds")}
        emptied, refs, texts = pieces.take_out(entry)
        # a piece seen for the first time stays in the entry: most never come again (the one
        # with the log id), and one stored on its own costs a row to write and one to trim
        shared = {d for d in texts if d in self._seen_pieces}
        if len(self._seen_pieces) > MAX_KNOWN_PIECES:
            self._seen_pieces.clear()
        self._seen_pieces.update(texts)
        return _Prepared(
            mock,
            limit,
            _journal_json(emptied),
            _journal_json(pieces.kept_in_entry(refs, texts, shared)),
            {d: texts[d] for d in shared},
        )

    def _write_batch(self, batch: list[_Prepared]) -> list[int]:
        """Write the entries in one transaction; their ids."""
        with self._journal_transaction() as db:
            known = {mock: self._known(db, mock) for mock in {p.mock for p in batch}}
            ids = [self._write_entry(db, p, None, known[p.mock]) for p in batch]
            trims = {
                p.mock: p.limit for p, i in zip(batch, ids, strict=True) if i % TRIM_EVERY == 0
            }
            for mock, limit in trims.items():
                self._trim(db, mock, limit)
        return ids

    @contextmanager
    def _journal_transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that, when it does not commit, leaves this process knowing no
        piece stored (those it marked in it are not), before any other writer goes on."""
        with self._writers.held():
            try:
                with self._begun() as db:
                    yield db
            except BaseException:
                self._known_pieces.clear()
                raise

    def _write_entry(
        self, db: sqlite3.Connection, entry: _Prepared, entry_id: int | None, known: dict[str, int]
    ) -> int:
        """Store the entry as `entry_id` (None: a new one) with its pieces; its id."""
        cursor = db.execute(
            "INSERT OR REPLACE INTO journal VALUES (?, ?, ?, ?)",
            (entry_id, entry.mock, entry.entry, entry.refs),
        )
        entry_id = cursor.lastrowid or 0
        self._use_pieces(db, entry.mock, entry_id, entry.stored, known)
        return entry_id

    def _known(self, db: sqlite3.Connection, mock: str) -> dict[str, int]:
        """The pieces this process knows are stored, forgotten when the journal was cleared."""
        row = db.execute("SELECT n FROM journal_clears WHERE mock=?", (mock,)).fetchone()
        clears = row[0] if row else 0
        found = self._known_pieces.get(mock)
        if found is None or found[0] != clears or len(found[1]) > MAX_KNOWN_PIECES:
            found = self._known_pieces[mock] = (clears, {})
        return found[1]

    @staticmethod
    def _use_pieces(
        db: sqlite3.Connection,
        mock: str,
        entry_id: int,
        texts: dict[str, str],
        known: dict[str, int],
    ) -> None:
        """Store the entry's pieces or mark them as used by it, and so in `known` (inside the
        transaction: see _journal_transaction).

        A trim removes the pieces last marked PIECE_GRACE entries before the oldest entry it
        keeps. So a piece this process stored or marked fewer than PIECE_GRACE entries ago is
        still there (every trim so far kept entries newer than that), and is used as it is: most
        requests write nothing but their entry and the one piece that changed (the log id).
        Older ones are marked again in one statement; one of them gone: all stored afresh."""
        stale = [d for d in texts if d in known and known[d] < entry_id - PIECE_GRACE]
        if stale:
            marks = ",".join("?" * len(stale))
            updated = db.execute(
                "UPDATE journal_pieces SET last_entry=max(last_entry, ?) "
                f"WHERE mock=? AND digest IN ({marks})",
                (entry_id, mock, *stale),
            ).rowcount
            if updated != len(stale):
                known.clear()
        new = [(mock, d, entry_id, text) for d, text in texts.items() if d not in known]
        if new:
            db.executemany(
                "INSERT INTO journal_pieces VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE "
                "SET last_entry=max(last_entry, excluded.last_entry)",
                new,
            )
        known.update(dict.fromkeys([*stale, *(d for _, d, _, _ in new)], entry_id))

    def _trim(self, db: sqlite3.Connection, mock: str, limit: int) -> None:
        row = db.execute(
            "SELECT id FROM journal WHERE mock=? ORDER BY id DESC LIMIT 1 OFFSET ?", (mock, limit)
        ).fetchone()
        if row is None:
            return
        db.execute("DELETE FROM journal WHERE mock=? AND id<=?", (mock, row[0]))
        db.execute(
            "DELETE FROM journal_pieces WHERE mock=? AND last_entry<=?",
            (mock, row[0] - PIECE_GRACE),
        )

    def journal(self, mock: str, limit: int) -> list[dict[str, Any]]:
        self._written_behind.wait_written()
        db = self._connection()
        db.execute("BEGIN")  # entries and their pieces as of one moment
        try:
            rows = db.execute(
                "SELECT entry, pieces FROM journal WHERE mock=? ORDER BY id DESC LIMIT ?",
                (mock, limit),
            ).fetchall()
            found = [(orjson.loads(entry), orjson.loads(refs or "[]")) for entry, refs in rows]
            digests = {d for _, refs in found for d in pieces.digests(refs)}
            texts = self._piece_texts(db, mock, digests)
        finally:
            db.execute("COMMIT")
        for entry, refs in found:
            pieces.put_back(entry, refs, texts)
        return [entry for entry, _ in reversed(found)]

    @staticmethod
    def _piece_texts(db: sqlite3.Connection, mock: str, digests: set[str]) -> dict[str, str]:
        wanted = list(digests)
        texts: dict[str, str] = {}
        for start in range(0, len(wanted), PIECES_PER_QUERY):
            chunk = wanted[start : start + PIECES_PER_QUERY]
            rows = db.execute(
                "SELECT digest, text FROM journal_pieces "
                f"WHERE mock=? AND digest IN ({','.join('?' * len(chunk))})",
                (mock, *chunk),
            )
            texts.update(rows)
        return texts

    def clear_journal(self, mock: str) -> None:
        self._written_behind.wait_written()  # what was answered before this is cleared too
        with self._transaction() as db:
            self._delete_journal(db, mock)

    @staticmethod
    def _delete_journal(db: sqlite3.Connection, mock: str) -> None:
        """Every entry and piece of the mock; each process forgets the pieces it knew."""
        for table in ("journal", "journal_pieces"):
            db.execute(f"DELETE FROM {table} WHERE mock=?", (mock,))
        db.execute(
            "INSERT INTO journal_clears VALUES (?, 1) ON CONFLICT DO UPDATE SET n=n+1", (mock,)
        )

    # everything ----------------------------------------------------------------------------
    def reset(self, mock: str) -> None:
        self._written_behind.wait_written()
        with self._transaction() as db:
            for table in ("datasets", "entities", "rules"):
                db.execute(f"DELETE FROM {table} WHERE mock=?", (mock,))
            self._delete_journal(db, mock)
        self._cache.pop(mock, None)
        self.version.bump()


def _journal_json(entry: dict[str, Any]) -> str:
    """orjson: a journal entry carries bodies of tens of kilobytes, and the stdlib encoder's
    escaping of them cost about a tenth of a mock's time per request."""
    return orjson.dumps(entry).decode()
