"""A lock held by one thread of one process at a time, for every process of the mocks."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ProcessesLock:
    """A lock of the threads' own, then a POSIX lock on a file. The file lock is owned per
    process, so it is also right for a lock that crossed a fork, and the kernel releases it when
    its holder dies. A waiter sleeps in the kernel and wakes as soon as the lock is free."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self._threads = threading.Lock()

    @property
    def fd(self) -> int:
        return self._fd

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)
