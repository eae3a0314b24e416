"""Group commit: what threads of one process hand in at the same time is written in one go.

Writing one journal entry is mostly the cost of its transaction (the lock shared by every worker
process, BEGIN, COMMIT), not of the entry. So the first thread to hand in an item leads: it
writes every item queued by then in one call of `write`, then hands the lead to the first
thread whose item came in meanwhile. The others sleep until their item is written. Each caller
returns only once its own item is written, with its own result, as if it had written alone.

A batch is written whole or not at all (`write` is one transaction). When a batch fails, each of
its items is written again on its own, so one bad item fails alone and never takes the others
with it."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Waiter(Generic[Item, Result]):
    """One item handed in, and what became of it."""

    __slots__ = ("done", "item", "outcome", "wake")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.done = False
        self.outcome: Result | BaseException | None = None  # its result, or what writing raised
        # a follower's: held until its item is written or it is made the leader
        self.wake: threading.Lock | None = None

    def settle(self, outcome: Result | BaseException) -> None:
        self.outcome, self.done = outcome, True


class GroupCommit(Generic[Item, Result]):
    def __init__(self, write: Callable[[list[Item]], list[Result]]) -> None:
        """`write(items)`: write all of them or none, and return their results in order."""
        self._write = write
        self._mutex = threading.Lock()  # held only to queue and dequeue, never while writing
        self._queue: deque[_Waiter[Item, Result]] = deque()
        self._leading = False

    def submit(self, item: Item) -> Result:
        """The item's result once it is written; what writing it raised, raised here."""
        waiter: _Waiter[Item, Result] = _Waiter(item)
        with self._mutex:
            if self._leading:
                waiter.wake = threading.Lock()
                waiter.wake.acquire()
            self._queue.append(waiter)
            self._leading = True
        if waiter.wake is not None:
            waiter.wake.acquire()  # written by a leader, or made the leader
        if not waiter.done:
            self._lead(waiter)
        if isinstance(waiter.outcome, BaseException):
            raise waiter.outcome
        return cast(Result, waiter.outcome)

    def _lead(self, own: _Waiter[Item, Result]) -> None:
        """Write everything queued (`own` among it), then hand the lead on."""
        with self._mutex:
            batch = list(self._queue)
            self._queue.clear()
        try:
            written = outcomes(self._write, [waiter.item for waiter in batch])
            for waiter, outcome in zip(batch, written, strict=True):
                waiter.settle(outcome)
        except BaseException as exc:  # e.g. KeyboardInterrupt while writing: nobody waits forever
            for waiter in batch:
                if not waiter.done:
                    waiter.settle(exc)
            raise
        finally:
            with self._mutex:
                successor = self._queue[0] if self._queue else None
                self._leading = successor is not None
            for waiter in batch:
                if waiter is not own and waiter.wake is not None:
                    waiter.wake.release()
            if successor is not None and successor.wake is not None:
                successor.wake.release()


def outcomes(
    write: Callable[[list[Item]], list[Result]], items: list[Item]
) -> list[Result | BaseException]:
    """`write(items)` in one go; when that fails, each item written on its own, so that one bad
    item fails alone. Each item's result, or what writing it raised."""
    try:
        return list(write(items))
    except Exception as exc:
        if len(items) == 1:
            return [exc]
    return [_alone(write, item) for item in items]


def _alone(write: Callable[[list[Item]], list[Result]], item: Item) -> Result | BaseException:
    try:
        return write([item])[0]
    except Exception as exc:
        return exc
