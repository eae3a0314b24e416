"""The journal written behind the answers: a reader in any process sees every entry handed in
before it asked (an exchange is in the journal as soon as its client has the answer), a process
that died is not waited for, a writer that falls behind holds its callers up rather than let its
queue grow, entries handed in together are written together, and what is queued when a worker
exits is written."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from mocks.kit import write_behind
from mocks.kit.store import MockStore
from mocks.kit.write_behind import WriteBehind
from tests.thread_support import WAIT_S, in_thread, wait_until

spawn = multiprocessing.get_context("spawn")


def _append_slowly(lines: Path, pause_s: float) -> Any:
    def write(items: list[str]) -> None:
        time.sleep(pause_s)
        with lines.open("a") as out:
            out.writelines(f"{item}\n" for item in items)

    return write


def _hand_in(progress: Path, lines: Path, pause_s: float, items: list[str], ready: Any) -> None:
    """Another worker: hands `items` in (written after `pause_s`), says so, then lives on."""
    behind = WriteBehind(_append_slowly(lines, pause_s), progress, gather_s=0)
    for item in items:
        behind.put(item)
    ready.set()
    time.sleep(WAIT_S)


def _hand_in_and_exit(progress: Path, lines: Path, items: list[str]) -> None:
    """A worker that exits while its writer is still letting its batch gather."""
    behind = WriteBehind(_append_slowly(lines, 0), progress, gather_s=WAIT_S)
    for item in items:
        behind.put(item)


def _written(lines: Path) -> list[str]:
    return lines.read_text().split() if lines.exists() else []


def test_a_reader_waits_until_another_process_wrote_what_it_was_handed(tmp_path: Path) -> None:
    progress, lines = tmp_path / "progress", tmp_path / "lines"
    ready = spawn.Event()
    other = spawn.Process(target=_hand_in, args=(progress, lines, 1.0, ["a", "b", "c"], ready))
    other.start()
    try:
        assert ready.wait(WAIT_S)
        assert _written(lines) == []  # still being written
        WriteBehind(_append_slowly(lines, 0), progress).wait_written()
        assert _written(lines) == ["a", "b", "c"]
    finally:
        other.kill()
        other.join()


def test_a_process_that_died_is_not_waited_for(tmp_path: Path) -> None:
    progress, lines = tmp_path / "progress", tmp_path / "lines"
    ready = spawn.Event()
    other = spawn.Process(target=_hand_in, args=(progress, lines, WAIT_S, ["lost"], ready))
    other.start()
    assert ready.wait(WAIT_S)
    os.kill(other.pid or 0, signal.SIGKILL)
    other.join()
    started = time.monotonic()
    WriteBehind(_append_slowly(lines, 0), progress).wait_written()
    assert time.monotonic() - started < 5
    assert _written(lines) == []


def test_what_is_queued_when_a_worker_exits_is_written(tmp_path: Path) -> None:
    progress, lines = tmp_path / "progress", tmp_path / "lines"
    other = spawn.Process(target=_hand_in_and_exit, args=(progress, lines, ["x", "y"]))
    other.start()
    other.join(WAIT_S)
    assert other.exitcode == 0
    assert _written(lines) == ["x", "y"]


def test_callers_wait_while_the_queue_is_full(tmp_path: Path) -> None:
    go_on = threading.Event()
    batches: list[list[int]] = []

    def write(items: list[int]) -> None:
        go_on.wait(WAIT_S)
        batches.append(items)

    behind = WriteBehind(write, tmp_path / "progress", max_queued=2, gather_s=0)
    behind.put(1)
    wait_until(lambda: not behind._queue)  # taken by the writer, which now waits
    behind.put(2)
    behind.put(3)
    fourth = in_thread(behind.put, 4)
    time.sleep(0.3)
    assert not fourth.done()
    go_on.set()
    fourth.result(timeout=WAIT_S)
    behind.wait_written()
    assert sorted(item for batch in batches for item in batch) == [1, 2, 3, 4]


def test_items_handed_in_together_are_written_in_one_batch(tmp_path: Path) -> None:
    batches: list[list[int]] = []
    behind = WriteBehind(batches.append, tmp_path / "progress", gather_s=0.3)
    for item in range(10):
        behind.put(item)
    behind.wait_written()
    assert batches == [list(range(10))]


def test_an_entry_recorded_soon_is_in_the_journal_another_store_reads(tmp_path: Path) -> None:
    path = tmp_path / "mocks.sqlite3"
    writer, reader = MockStore(path), MockStore(path)
    for n in range(5):
        writer.record_soon("cosmic", lambda n=n: {"operation": "Op", "n": n}, limit=100)
    assert [entry["n"] for entry in reader.journal("cosmic", limit=100)] == [0, 1, 2, 3, 4]


def test_an_entry_that_cannot_be_made_is_left_out_alone(tmp_path: Path) -> None:
    path = tmp_path / "mocks.sqlite3"
    store = MockStore(path)

    def broken() -> dict[str, Any]:
        raise ValueError("a bug in making this entry")

    store.record_soon("cosmic", lambda: {"operation": "Op", "n": 1}, limit=100)
    store.record_soon("cosmic", broken, limit=100)
    store.record_soon("cosmic", lambda: {"operation": "Op", "n": 3}, limit=100)
    assert [entry["n"] for entry in MockStore(path).journal("cosmic", limit=100)] == [1, 3]


def test_a_clear_takes_the_entries_handed_in_before_it(tmp_path: Path) -> None:
    path = tmp_path / "mocks.sqlite3"
    store = MockStore(path)
    for n in range(3):
        store.record_soon("cosmic", lambda n=n: {"operation": "Op", "n": n}, limit=100)
    MockStore(path).clear_journal("cosmic")
    assert store.journal("cosmic", limit=100) == []


def test_a_writer_that_ended_when_idle_is_started_again(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(write_behind, "IDLE_S", 0.05)
    batches: list[list[int]] = []
    behind = WriteBehind(batches.append, tmp_path / "progress", gather_s=0)
    behind.put(1)
    behind.wait_written()
    wait_until(lambda: not behind._writing)
    behind.put(2)
    behind.wait_written()
    assert batches == [[1], [2]]


def _hand_in_after_fork(behind: WriteBehind[str]) -> None:
    behind.put("child")
    behind.wait_written()


def test_a_forked_child_writes_on_its_own_even_if_the_fork_caught_a_lock(tmp_path: Path) -> None:
    lines = tmp_path / "lines"
    behind: WriteBehind[str] = WriteBehind(_append_slowly(lines, 0), tmp_path / "progress")
    behind.put("parent")
    behind.wait_written()
    holding, forked = threading.Event(), threading.Event()

    def hold_the_lock() -> None:  # another thread of the parent holds it at the fork
        with behind._changed:
            holding.set()
            forked.wait(WAIT_S)

    holder = in_thread(hold_the_lock)
    assert holding.wait(WAIT_S)
    child = multiprocessing.get_context("fork").Process(target=_hand_in_after_fork, args=(behind,))
    child.start()
    forked.set()
    holder.result(timeout=WAIT_S)
    child.join(WAIT_S)
    if child.is_alive():  # stuck on the lock: not left behind
        child.kill()
    assert child.exitcode == 0
    assert _written(lines) == ["parent", "child"]


def test_a_process_that_starts_clears_the_slots_of_the_dead(tmp_path: Path) -> None:
    progress = tmp_path / "progress"
    finished = subprocess.Popen(["true"])
    finished.wait()
    earlier: WriteBehind[int] = WriteBehind(lambda items: None, progress)
    write_behind._SLOT.pack_into(earlier._map, 0, finished.pid, 5, 0)  # died with 5 unwritten
    later: WriteBehind[int] = WriteBehind(lambda items: None, progress)
    later.put(1)
    later.wait_written()
    assert [pid for pid, _, _ in later._slots() if pid] == [os.getpid()]
