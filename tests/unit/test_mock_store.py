"""The mocks' shared state: bounded journal, and rules used up exactly `times` even when
several processes (here: several stores on one file, in threads) take them at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mocks.kit.store import TRIM_EVERY, MockStore


def test_journal_keeps_only_the_newest(tmp_path: Path) -> None:
    store = MockStore(tmp_path / "state.sqlite3")
    for n in range(TRIM_EVERY * 3):
        store.record("cosmic", {"n": n}, limit=10)
    kept = store.journal("cosmic", limit=10)
    assert [e["n"] for e in kept] == list(range(TRIM_EVERY * 3 - 10, TRIM_EVERY * 3))
    (rows,) = store._connection().execute("SELECT count(*) FROM journal").fetchone()
    assert rows <= 10 + TRIM_EVERY


def test_times_is_exact_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    MockStore(path).add_rule("cosmic", "fault", {"type": "reset"}, times=25)
    stores = [MockStore(path) for _ in range(4)]  # as if four worker processes

    def take(i: int) -> bool:
        return stores[i % 4].take_rule("cosmic", "fault", lambda spec: True) is not None

    with ThreadPoolExecutor(8) as pool:
        taken = sum(pool.map(take, range(100)))
    assert taken == 25
    assert stores[0].rules("cosmic", "fault") == []


def test_dataset_change_is_seen_by_another_process_after_reset(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first, second = MockStore(path), MockStore(path)
    assert first.dataset("m", lambda: {"v": 1}, dict) == {"v": 1}
    assert second.dataset("m", lambda: {"v": 1}, dict) == {"v": 1}
    first.reset("m")
    first.put_dataset("m", {"v": 2})
    assert second.dataset("m", lambda: {"v": 1}, dict) == {"v": 2}
