"""The mocks' mutable state: entities changed in transactions that are atomic, and serial across
threads and processes (several stores on one file stand for several gunicorn workers)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from mocks.kit.store import Entities, EntityExists, EntityNotFound, MockStore

MOCK = "booking"
SLOT = "2026-11-25T09:00"
RACERS = 20


class BookingBackend:
    """What a web booking mock would build on the store: one atomic call per action."""

    def __init__(self, store: MockStore) -> None:
        self.store = store

    def book(self, slot_id: str, citizen: str) -> bool:
        with self.store.transaction(MOCK) as tx:
            slot = tx.get("slot", slot_id)
            if slot is None or slot["booked_by"] is not None:
                return False
            time.sleep(0.0002)  # room for a rival between check and write, were it not serial
            tx.put("slot", slot_id, {**slot, "booked_by": citizen})
            # keyed by citizen, so only the check above keeps a slot from a second booking
            tx.insert("booking", f"{citizen}/{slot_id}", {"slot": slot_id, "citizen": citizen})
            return True


def seed_slots(tx: Entities, doc: dict[str, Any]) -> None:
    for slot_id in doc["slots"]:
        tx.insert("slot", slot_id, {"id": slot_id, "booked_by": None})


def open_slot(path: Path) -> MockStore:
    store = MockStore(path)
    store.put_dataset(MOCK, {"slots": [SLOT]}, seed=seed_slots)
    return store


def assert_booked_once(store: MockStore) -> None:
    view = store.entities(MOCK)
    (booking,) = view.list("booking")
    assert view.get("slot", SLOT) == {"id": SLOT, "booked_by": booking["citizen"]}


def test_crud(tmp_path: Path) -> None:
    store = MockStore(tmp_path / "state.sqlite3")
    with store.transaction(MOCK) as tx:
        tx.insert("slot", "b", {"n": 2})
        tx.insert("slot", "a", {"n": 1})
        tx.put("slot", "c", {"n": 3})
        tx.put("slot", "c", {"n": 30})
        tx.insert("booking", "a", {"n": 9})
        assert tx.get("slot", "c") == {"n": 30}
        assert tx.update("slot", "a", lambda doc: {**doc, "n": 10}) == {"n": 10}
        with pytest.raises(EntityNotFound):
            tx.update("slot", "x", lambda doc: doc)
        assert tx.delete("slot", "b") is True
        assert tx.delete("slot", "b") is False
    view = store.entities(MOCK)
    assert view.list("slot") == [{"n": 10}, {"n": 30}]
    assert view.list("slot", where=lambda doc: doc["n"] > 10) == [{"n": 30}]
    assert (view.count("slot"), view.count("booking"), view.get("slot", "b")) == (2, 1, None)
    assert store.entities("other").count("slot") == 0
    with store.transaction(MOCK) as tx:
        assert tx.clear("slot") == 2
    assert (view.count("slot"), view.count("booking")) == (0, 1)
    with store.transaction(MOCK) as tx:
        assert tx.clear() == 1


def test_a_failed_transaction_leaves_nothing_half_written(tmp_path: Path) -> None:
    store = MockStore(tmp_path / "state.sqlite3")
    with store.transaction(MOCK) as tx:
        tx.insert("slot", "a", {"n": 1})
    with pytest.raises(EntityExists), store.transaction(MOCK) as tx:
        tx.insert("slot", "b", {"n": 2})
        tx.put("slot", "a", {"n": 10})
        tx.insert("slot", "b", {"n": 3})
    assert store.entities(MOCK).list("slot") == [{"n": 1}]


def test_entities_are_not_usable_after_their_transaction(tmp_path: Path) -> None:
    store = MockStore(tmp_path / "state.sqlite3")
    with store.transaction(MOCK) as tx:
        pass
    with pytest.raises(RuntimeError, match="ended"):
        tx.put("slot", "a", {})


def test_one_of_20_threads_over_4_stores_books_the_slot(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    open_slot(path)
    backends = [BookingBackend(MockStore(path)) for _ in range(4)]  # as if four workers
    start = threading.Barrier(RACERS)

    def book(n: int) -> bool:
        start.wait(timeout=20)
        return backends[n % 4].book(SLOT, f"citizen-{n}")

    with ThreadPoolExecutor(RACERS) as pool:
        assert sum(pool.map(book, range(RACERS))) == 1
    assert_booked_once(backends[0].store)


def _book_in_process(path: Path, start: Barrier, wins: Queue[int], process: int) -> None:
    backend = BookingBackend(MockStore(path))
    start.wait(timeout=20)
    with ThreadPoolExecutor(RACERS // 4) as pool:
        tries = pool.map(lambda n: backend.book(SLOT, f"citizen-{process}-{n}"), range(5))
        wins.put(sum(tries))


def test_one_of_4_processes_with_5_threads_each_books_the_slot(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    open_slot(path)
    context = multiprocessing.get_context("spawn")  # nothing inherited: each its own store
    start, wins = context.Barrier(4), context.Queue()
    processes = [
        context.Process(target=_book_in_process, args=(path, start, wins, n)) for n in range(4)
    ]
    for process in processes:
        process.start()
    try:
        assert sum(wins.get(timeout=20) for _ in processes) == 1
    finally:
        for process in processes:
            process.join(timeout=20)
    assert [process.exitcode for process in processes] == [0] * 4
    assert_booked_once(MockStore(path))


def _book_after_fork(store: MockStore, inherited: sqlite3.Connection) -> None:
    if store._connection() is inherited:
        raise SystemExit("the child uses its parent's connection")
    if not BookingBackend(store).book(SLOT, "child"):
        raise SystemExit("the child could not book")


def test_a_store_that_crosses_a_fork_opens_new_connections_in_the_child(tmp_path: Path) -> None:
    store = open_slot(tmp_path / "state.sqlite3")
    child = multiprocessing.get_context("fork").Process(
        target=_book_after_fork, args=(store, store._connection())
    )
    child.start()
    child.join(timeout=20)
    assert child.exitcode == 0
    assert store.entities(MOCK).get("slot", SLOT) == {"id": SLOT, "booked_by": "child"}
    assert store._connection().execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_reset_clears_the_entities(tmp_path: Path) -> None:
    store = open_slot(tmp_path / "state.sqlite3")
    with store.transaction("other") as tx:
        tx.insert("slot", SLOT, {})
    store.reset(MOCK)
    assert store.entities(MOCK).count("slot") == 0
    assert store.entities("other").count("slot") == 1


def test_a_new_dataset_replaces_the_entities_or_nothing(tmp_path: Path) -> None:
    store = open_slot(tmp_path / "state.sqlite3")
    assert BookingBackend(store).book(SLOT, "citizen")
    later = "2026-11-25T10:00"

    def seed_then_fail(tx: Entities, doc: dict[str, Any]) -> None:
        seed_slots(tx, doc)
        raise ValueError("a bad slot")

    with pytest.raises(ValueError):
        store.put_dataset(MOCK, {"slots": [later]}, seed=seed_then_fail)
    assert store.raw_dataset(MOCK) == {"slots": [SLOT]}
    assert_booked_once(store)

    store.put_dataset(MOCK, {"slots": [later]}, seed=seed_slots)
    view = store.entities(MOCK)
    assert view.list("slot") == [{"id": later, "booked_by": None}]
    assert view.count("booking") == 0


def test_the_default_dataset_is_seeded_once(tmp_path: Path) -> None:
    first, second = MockStore(tmp_path / "state.sqlite3"), MockStore(tmp_path / "state.sqlite3")
    assert first.dataset(MOCK, lambda: {"slots": [SLOT]}, dict, seed=seed_slots)
    assert BookingBackend(first).book(SLOT, "citizen")
    second.dataset(MOCK, lambda: {"slots": ["another"]}, dict, seed=seed_slots)
    assert_booked_once(second)
