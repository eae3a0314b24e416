"""The mock journal stores long bodies as pieces, each distinct piece once: read back, every
entry is exactly what was recorded; trimming, clearing and resetting take the pieces with the
entries; a record racing a trim (threads, processes) never leaves an entry missing a piece; and
nothing in the file shows an identity number unmasked."""

from __future__ import annotations

import multiprocessing
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from contracts.privacy import mask_repeated_pieces
from mocks.kit.pieces import Pieces
from mocks.kit.store import PIECE_GRACE, TRIM_EVERY, MockStore

PATIENT = "191212121212"
ANSWER = "".join(f"<record><id>{PATIENT}</id><n>{n}</n>{'x' * 200}</record>" for n in range(100))


def _entry(n: int, answer: str = ANSWER) -> dict[str, Any]:
    """An exchange as the mock kit records it: bodies masked in pieces, the answer's end new."""
    return {
        "operation": "GetMedicationHistory",
        "shapedBy": None,
        "request": {
            "method": "POST",
            "headers": {"X-Test": f"{PATIENT[:8]}****"},
            "body": Pieces(mask_repeated_pieces(f"<patient>{PATIENT}</patient>")),
        },
        "response": {
            "status": 200,
            "body": Pieces(mask_repeated_pieces(f"{answer}<logId>mock-{n}</logId>", 512)),
            "pending": False,
        },
    }


def _as_read(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as the journal gives it back: bodies whole, as text."""
    return {
        key: {k: "".join(v) if isinstance(v, Pieces) else v for k, v in value.items()}
        if isinstance(value, dict)
        else value
        for key, value in entry.items()
    }


def _rows(path: Path, table: str, mock: str) -> int:
    with sqlite3.connect(path) as db:
        (n,) = db.execute(f"SELECT count(*) FROM {table} WHERE mock=?", (mock,)).fetchone()
    return int(n)


def _without_at(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k != "at"} for e in entries]


def test_entries_read_back_exactly_as_recorded(tmp_path: Path) -> None:
    store = MockStore(tmp_path / "state.sqlite3")
    sent = [_entry(n) for n in range(5)] + [_entry(5, answer="short, no pieces in common")]
    ids = [store.record("cosmic", entry, limit=100) for entry in sent]
    store.rewrite("cosmic", ids[2], _entry(99))  # a pending entry completed later
    read = store.journal("cosmic", limit=100)
    expected = [_as_read(e) for e in sent]
    expected[2] = _as_read(_entry(99))
    assert _without_at(read) == expected
    assert all(entry["at"] for entry in read)
    assert [list(e) for e in read] == [[*e, "at"] for e in expected]  # keys in the same order


def test_a_piece_that_comes_again_is_stored_once(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = MockStore(path)
    for n in range(10):
        store.record("cosmic", _entry(n), limit=100)
    pieces_per_answer = len(_entry(0)["response"]["body"])
    # the request's one piece and the answer's common ones; each answer's last piece (its log
    # id) stays in its entry
    assert _rows(path, "journal_pieces", "cosmic") == 1 + (pieces_per_answer - 1)


def test_trimming_takes_the_pieces_only_trimmed_entries_used(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = MockStore(path)
    count = PIECE_GRACE * 4
    for n in range(count):  # each answer twice: its common pieces are stored on their own
        store.record("cosmic", _entry(n, answer=f"<only>{n // 2:05}</only>" * 60), limit=10)
    kept = store.journal("cosmic", limit=10)
    assert [e["response"]["body"] for e in kept] == [
        f"<only>{n // 2:05}</only>" * 60 + f"<logId>mock-{n}</logId>"
        for n in range(count - 10, count)
    ]
    shared_per_answer = len(_entry(0, answer="<only>00000</only>" * 60)["response"]["body"]) - 1
    # pieces outlive their last entry by at most PIECE_GRACE entries (and one trim's worth)
    newest_answers = (10 + TRIM_EVERY + PIECE_GRACE) // 2 + 1
    assert 1 < _rows(path, "journal_pieces", "cosmic") <= 1 + newest_answers * shared_per_answer


def test_clear_and_reset_take_the_pieces_of_that_mock_only(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = MockStore(path)
    for mock in ("cosmic", "nll", "hkdb"):
        for n in (1, 2):  # the answer seen again: its common pieces stored on their own
            store.record(mock, _entry(n), limit=10)
    store.clear_journal("cosmic")
    store.reset("nll")
    for mock in ("cosmic", "nll"):
        assert store.journal(mock, limit=10) == []
        assert _rows(path, "journal_pieces", mock) == 0
    assert _rows(path, "journal_pieces", "hkdb") > 0
    assert _without_at(store.journal("hkdb", limit=10)) == [_as_read(_entry(n)) for n in (1, 2)]
    for n in (3, 4):  # pieces the store knew before the clear are stored afresh
        store.record("cosmic", _entry(n), limit=10)
    assert _without_at(store.journal("cosmic", limit=10)) == [_as_read(_entry(n)) for n in (3, 4)]


def _record_many(path: Path, start: int, count: int) -> None:
    store = MockStore(path)
    for n in range(start, start + count):
        # a few answers again and again, so that trims remove pieces other records reuse
        store.record("cosmic", _entry(n, answer=f"<a>{n % 7}</a>" * 200), limit=3)


def _complete(store: MockStore) -> list[dict[str, Any]]:
    entries = store.journal("cosmic", limit=3)  # a missing piece: KeyError
    assert all(e["response"]["body"].endswith("</logId>") for e in entries)
    return entries


def test_records_racing_trims_in_threads_never_lose_a_piece(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    stores = [MockStore(path) for _ in range(3)]  # as if three worker processes

    def record(i: int) -> None:
        store = stores[i % 3]
        store.record("cosmic", _entry(i, answer=f"<a>{i % 7}</a>" * 200), limit=3)
        _complete(store)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(record, range(TRIM_EVERY * 6)))
    assert len(_complete(stores[0])) == 3


def test_records_racing_trims_in_two_processes_never_lose_a_piece(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    MockStore(path)
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_record_many, args=(path, n * 1000, TRIM_EVERY * 4)) for n in (1, 2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert len(_complete(MockStore(path))) == 3


def test_no_identity_number_unmasked_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = MockStore(path)
    for n in range(3):
        store.record("cosmic", _entry(n), limit=10)
    stored = path.read_bytes() + path.with_name(path.name + "-wal").read_bytes()
    assert PATIENT.encode() not in stored
    assert f"{PATIENT[:8]}****".encode() in stored


def _fill(store: MockStore, ids: range, limit: int) -> None:
    for n in ids:
        store.record("cosmic", _entry(n, answer=f"<filler>{n}</filler>"), limit=limit)


def test_a_piece_another_process_stored_first_outlives_that_process_entries(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    first, second = MockStore(path), MockStore(path)  # as if two worker processes
    end = PIECE_GRACE + 2 * TRIM_EVERY  # the trim then keeps only the entries from end - limit
    limit = TRIM_EVERY + 10
    first.record("cosmic", _entry(1), limit=limit)
    first.record("cosmic", _entry(2), limit=limit)  # seen again: its common pieces stored
    _fill(first, range(3, end - TRIM_EVERY - 1), limit)
    second.record("cosmic", _entry(3), limit=limit)
    second.record("cosmic", _entry(4), limit=limit)  # the same pieces, stored before it knew
    _fill(first, range(end - TRIM_EVERY + 1, end + 1), limit)
    kept = second.journal("cosmic", limit=limit)
    assert "".join(_entry(4)["response"]["body"]) in [e["response"]["body"] for e in kept]


def test_a_known_piece_trimmed_meanwhile_is_stored_afresh(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first, second = MockStore(path), MockStore(path)
    first.record("cosmic", _entry(1), limit=TRIM_EVERY)
    first.record("cosmic", _entry(2), limit=TRIM_EVERY)
    _fill(second, range(3, PIECE_GRACE + 3 * TRIM_EVERY + 1), TRIM_EVERY)  # trims them away
    first.record("cosmic", _entry(3), limit=TRIM_EVERY)
    newest = first.journal("cosmic", limit=1)
    assert [e["response"]["body"] for e in newest] == ["".join(_entry(3)["response"]["body"])]
