"""The lock the mocks' writers queue on: one holder at a time, across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from mocks.kit.locks import ProcessesLock


def _add_slowly(lock_path: Path, counter: Path, times: int) -> None:
    _add_slowly_with(ProcessesLock(lock_path), counter, times)


def test_one_holder_at_a_time_across_processes_and_threads(tmp_path: Path) -> None:
    lock_path, counter = tmp_path / "state.lock", tmp_path / "counter"
    counter.write_text("0")
    spawn = multiprocessing.get_context("spawn")
    processes = [spawn.Process(target=_add_slowly, args=(lock_path, counter, 40)) for _ in "ab"]
    for process in processes:
        process.start()
    # threads of this process share one lock object, as a worker's threads share the store's
    lock = ProcessesLock(lock_path)
    threads = [
        threading.Thread(target=_add_slowly_with, args=(lock, counter, 40)) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for worker in [*processes, *threads]:
        worker.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]
    assert int(counter.read_text()) == 5 * 40


def _add_slowly_with(lock: ProcessesLock, counter: Path, times: int) -> None:
    """Read-modify-write with a pause in the middle: any overlap loses an increment."""
    for _ in range(times):
        with lock.held():
            value = int(counter.read_text())
            time.sleep(0.001)
            counter.write_text(str(value + 1))
