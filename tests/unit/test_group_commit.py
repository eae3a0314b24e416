"""Group commit: items handed in while another thread writes are written together, and each
caller gets its own item's result or error, never another's, and never waits forever."""

from __future__ import annotations

import threading
from typing import Any

from mocks.kit.group_commit import GroupCommit
from tests.thread_support import WAIT_S, in_thread, wait_until

THREADS = 8


class GatedWriter:
    """A writer whose first batch waits for the gate, so that the other threads queue."""

    def __init__(self, refuse: set[int] | None = None, interrupt: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.gate = threading.Event()
        self.refuse = refuse or set()
        self.interrupt = interrupt  # the second batch: interrupted while written

    def __call__(self, items: list[int]) -> list[str]:
        if not self.batches:
            assert self.gate.wait(WAIT_S)
        self.batches.append(list(items))
        if self.interrupt and len(self.batches) == 2:
            raise KeyboardInterrupt
        refused = self.refuse.intersection(items)
        if refused:
            raise ValueError(f"refused {sorted(refused)}")
        return [f"written {item}" for item in items]


def _submit_all(commit: GroupCommit[int, str], writer: GatedWriter) -> list[Any]:
    """Each item handed in by its own thread; the gate opened once all of them queue."""
    first = in_thread(_outcome, commit, 0)
    wait_until(lambda: commit._leading)  # the first thread leads, held at the gate
    rest = [in_thread(_outcome, commit, item) for item in range(1, THREADS)]
    wait_until(lambda: len(commit._queue) == THREADS - 1)
    writer.gate.set()
    return [future.result(timeout=WAIT_S) for future in [first, *rest]]


def _outcome(commit: GroupCommit[int, str], item: int) -> Any:
    try:
        return commit.submit(item)
    except (ValueError, KeyboardInterrupt) as exc:
        return exc


def test_items_handed_in_meanwhile_are_written_in_one_batch_each_with_its_result() -> None:
    writer = GatedWriter()
    outcomes = _submit_all(GroupCommit(writer), writer)
    assert outcomes == [f"written {item}" for item in range(THREADS)]
    assert writer.batches == [[0], list(range(1, THREADS))]


def test_a_failing_item_fails_alone_and_the_others_are_written() -> None:
    writer = GatedWriter(refuse={5})
    outcomes = _submit_all(GroupCommit(writer), writer)
    assert [str(o) for o in outcomes] == [
        "refused [5]" if item == 5 else f"written {item}" for item in range(THREADS)
    ]
    # the batch failed whole, then each of its items was written on its own
    assert writer.batches[1] == list(range(1, THREADS))
    assert writer.batches[2:] == [[item] for item in range(1, THREADS)]


def test_a_leader_interrupted_while_writing_leaves_nobody_waiting() -> None:
    writer = GatedWriter(interrupt=True)
    commit = GroupCommit(writer)
    outcomes = _submit_all(commit, writer)
    assert outcomes[0] == "written 0"
    assert all(isinstance(o, KeyboardInterrupt) for o in outcomes[1:])
    assert commit.submit(THREADS) == f"written {THREADS}"  # and the next one leads


def test_many_threads_at_once_each_get_their_own_result() -> None:
    lock = threading.Lock()
    written: list[int] = []

    def write(items: list[int]) -> list[int]:
        with lock:
            written.extend(items)
        return [item * 10 for item in items]

    def submit_many(first: int) -> list[int]:
        return [commit.submit(item) for item in range(first, first + 250)]

    commit: GroupCommit[int, int] = GroupCommit(write)
    futures = [in_thread(submit_many, n * 250) for n in range(THREADS)]
    results = [r for future in futures for r in future.result(timeout=WAIT_S)]
    assert results == [item * 10 for item in range(THREADS * 250)]
    assert sorted(written) == list(range(THREADS * 250))
