"""The journal's group commit: entries that a worker's threads record at the same time are
written together, yet each record returns its own entry's id only once that entry can be read
(the admin API and the debug tools show an exchange as soon as it is answered), and one entry the
database refuses fails alone, never taking the others of its batch with it."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from contracts.privacy import mask_repeated_pieces
from mocks.kit.pieces import Pieces
from mocks.kit.store import TRIM_EVERY, MockStore
from tests.thread_support import WAIT_S, in_thread, wait_until

THREADS = 8
COMMON = "<record>19121212****</record>" * 40  # a piece every entry here shares


def _entry(tag: str, refuse: bool = False, common: str = COMMON) -> dict[str, Any]:
    return {
        "operation": "GetMedicationHistory",
        "tag": tag,
        "refuse": refuse,
        "response": {"body": Pieces(mask_repeated_pieces(f"{common}<logId>{tag}</logId>", 512))},
    }


def _recorded_then_read(
    store: MockStore, reader: MockStore, entry: dict[str, Any], limit: int = 1000
) -> int:
    """Record, then read it back at once through another store (as another worker would)."""
    entry_id = store.record("cosmic", entry, limit=limit)
    if limit > THREADS:  # else a later entry of its batch may have trimmed it already
        assert entry["tag"] in [e["tag"] for e in reader.journal("cosmic", limit=limit)]
    return entry_id


def _in_one_batch(
    store: MockStore, reader: MockStore, entries: list[dict[str, Any]], limit: int = 1000
) -> list[Any]:
    """Each entry recorded by its own thread while the writers' lock is held. A first entry
    (without the common piece) leads and waits for the lock, and the others queue behind it:
    they are written in one batch once the lock is let go. Their outcomes, in order."""
    first = _entry("first", common="")
    with store._writers.held():
        leader = in_thread(_recorded_then_read, store, reader, first, limit)
        wait_until(lambda: store._journal_writes._leading)
        futures = [in_thread(_recorded_then_read, store, reader, e, limit) for e in entries]
        wait_until(lambda: len(store._journal_writes._queue) == len(entries))
    leader.result(timeout=WAIT_S)
    return [_outcome(future) for future in futures]


def _outcome(future: Future[Any]) -> Any:
    try:
        return future.result(timeout=WAIT_S)
    except sqlite3.Error as exc:
        return exc


def _tags_by_id(store: MockStore) -> list[str]:
    """The journal's entries in id order (as the journal lists them), by their tags."""
    return [entry["tag"] for entry in store.journal("cosmic", limit=1000)]


def test_entries_recorded_at_once_each_get_their_own_id_and_are_readable_at_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    store, reader = MockStore(path), MockStore(path)
    store.record("cosmic", _entry("before"), limit=1000)  # its common piece then seen again
    tags = [f"t{n}" for n in range(THREADS)]
    ids = _in_one_batch(store, reader, [_entry(tag) for tag in tags])
    assert len(set(ids)) == THREADS
    in_id_order = [tag for _, tag in sorted(zip(ids, tags, strict=True))]
    assert _tags_by_id(reader) == ["before", "first", *in_id_order]
    store.rewrite("cosmic", ids[3], _entry("rewritten"))  # each id is its own entry's
    assert _tags_by_id(reader)[2 + sorted(ids).index(ids[3])] == "rewritten"


def test_an_entry_the_database_refuses_fails_alone_and_its_batch_is_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    store, reader = MockStore(path), MockStore(path)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON journal WHEN json_extract(NEW.entry, "
            "'$.refuse') BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    store.record("cosmic", _entry("before"), limit=1000)  # its common piece then seen again
    entries = [_entry(f"t{n}", refuse=n == 5) for n in range(THREADS)]
    outcomes = _in_one_batch(store, reader, entries)
    assert isinstance(outcomes[5], sqlite3.IntegrityError)
    ids = [o for n, o in enumerate(outcomes) if n != 5]
    assert len(set(ids)) == THREADS - 1
    # every other entry there whole, with the common piece the failed batch had stored (and
    # lost with it) stored afresh
    kept = reader.journal("cosmic", limit=1000)
    others = [f"t{n}" for n in range(THREADS) if n != 5]
    assert [e["tag"] for e in kept] == ["before", "first", *others]
    assert all(e["response"]["body"].startswith(COMMON) for e in kept if e["tag"] != "first")


def test_a_batch_past_a_trim_point_trims(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store, reader = MockStore(path), MockStore(path)
    for n in range(TRIM_EVERY - 4):  # the batch's ids then include a multiple of TRIM_EVERY
        store.record("cosmic", _entry(f"b{n}"), limit=1000)
    tags = [f"t{n}" for n in range(THREADS)]
    ids = _in_one_batch(store, reader, [_entry(tag) for tag in tags], limit=5)
    assert min(ids) < TRIM_EVERY < max(ids)
    assert _tags_by_id(reader) == [tag for _, tag in sorted(zip(ids, tags, strict=True))][-5:]
    (rows,) = reader._connection().execute("SELECT count(*) FROM journal").fetchone()
    assert rows == 5


def _record_in_threads(path: Path, prefix: str, out: Path) -> None:
    store = MockStore(path)
    tags = [f"{prefix}{n}" for n in range(4 * 25)]
    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda tag: store.record("cosmic", _entry(tag), 1000), tags))
    out.write_text(json.dumps(dict(zip(tags, ids, strict=True))))


def test_threads_of_two_processes_recording_at_once_lose_no_entry(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    MockStore(path)
    spawn = multiprocessing.get_context("spawn")
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    workers = [
        spawn.Process(target=_record_in_threads, args=(path, prefix, out))
        for prefix, out in zip("ab", outs, strict=True)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    ids: dict[str, int] = {}
    for out in outs:
        ids.update(json.loads(out.read_text()))
    assert len(set(ids.values())) == len(ids) == 200
    assert _tags_by_id(MockStore(path)) == sorted(ids, key=ids.__getitem__)
