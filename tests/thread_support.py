"""Threads for tests that must fail, not hang, when a thread is left waiting."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

WAIT_S = 60.0  # generous: the machine running the tests is shared


def in_thread(call: Callable[..., Any], *args: Any) -> Future[Any]:
    """`call(*args)` in a thread of its own that never holds up the end of the tests: a caller
    left waiting fails the test (on its result's timeout) instead of hanging it."""
    future: Future[Any] = Future()

    def run() -> None:
        try:
            future.set_result(call(*args))
        except BaseException as exc:  # handed to the test as it is
            future.set_exception(exc)

    threading.Thread(target=run, daemon=True).start()
    return future


def wait_until(condition: Callable[[], bool]) -> None:
    """Until `condition()` holds; AssertionError after WAIT_S."""
    event = threading.Event()
    for _ in range(int(WAIT_S * 100)):
        if condition():
            return
        event.wait(0.01)
    raise AssertionError("the threads never got there")
