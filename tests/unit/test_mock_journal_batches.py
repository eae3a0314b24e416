"""The journal's batches: the entries a worker hands its journal writer at the same moment are
written in one transaction, yet one entry the database refuses fails alone, never taking the
others of its batch with it; a batch past a trim point trims; and threads of two processes
recording at once lose no entry."""

from __future__ import annotations

import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from contracts.privacy import mask_repeated_pieces
from mocks.kit.pieces import Pieces
from mocks.kit.store import TRIM_EVERY, MockStore

ENTRIES = 8
COMMON = "<record>19121212****</record>" * 40  # a piece every entry here shares


def _entry(tag: str, refuse: bool = False) -> dict[str, Any]:
    return {
        "operation": "GetMedicationHistory",
        "tag": tag,
        "refuse": refuse,
        "response": {"body": Pieces(mask_repeated_pieces(f"{COMMON}<logId>{tag}</logId>", 512))},
    }


def _in_one_batch(store: MockStore, entries: list[dict[str, Any]], limit: int = 1000) -> None:
    """Handed in well within one gathering of the writer: one batch."""
    store._written_behind._gather_s = 0.5
    for entry in entries:
        store.record_soon("cosmic", lambda entry=entry: entry, limit)


def _tags(store: MockStore) -> list[str]:
    """The journal's entries in id order (as the journal lists them), by their tags."""
    return [entry["tag"] for entry in store.journal("cosmic", limit=1000)]


def test_an_entry_the_database_refuses_fails_alone_and_its_batch_is_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    store = MockStore(path)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON journal WHEN json_extract(NEW.entry, "
            "'$.refuse') BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    store.record("cosmic", _entry("before"), limit=1000)  # its common piece then seen again
    _in_one_batch(store, [_entry(f"t{n}", refuse=n == 5) for n in range(ENTRIES)])
    # every other entry there whole, with the common piece the failed batch had stored (and
    # lost with it) stored afresh
    kept = MockStore(path).journal("cosmic", limit=1000)
    assert [e["tag"] for e in kept] == ["before", *(f"t{n}" for n in range(ENTRIES) if n != 5)]
    assert all(e["response"]["body"].startswith(COMMON) for e in kept)


def test_a_batch_past_a_trim_point_trims(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = MockStore(path)
    for n in range(TRIM_EVERY - 4):  # the batch's ids then include a multiple of TRIM_EVERY
        store.record("cosmic", _entry(f"b{n}"), limit=1000)
    _in_one_batch(store, [_entry(f"t{n}") for n in range(ENTRIES)], limit=5)
    reader = MockStore(path)
    assert _tags(reader) == [f"t{n}" for n in range(ENTRIES)][-5:]
    (rows,) = reader._connection().execute("SELECT count(*) FROM journal").fetchone()
    assert rows == 5


def _record_in_threads(path: Path, prefix: str) -> None:
    store = MockStore(path)
    tags = [f"{prefix}{n}" for n in range(4 * 25)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda tag: store.record_soon("cosmic", lambda: _entry(tag), 1000), tags))
    store.journal("cosmic", limit=1)  # returns once this process's entries are written


def test_threads_of_two_processes_recording_at_once_lose_no_entry(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    MockStore(path)
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_record_in_threads, args=(path, prefix)) for prefix in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    tags = _tags(MockStore(path))
    assert sorted(tags) == sorted(f"{prefix}{n}" for prefix in "ab" for n in range(100))
