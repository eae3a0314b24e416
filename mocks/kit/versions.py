"""A counter every process of the mocks shares, bumped after each change to stubs, faults or
datasets, so that a worker can tell from memory that nothing changed and skip reading them from
SQLite on every request.

It is an 8-byte file mapped into each process (MAP_SHARED): reading it costs no system call.
Bumps are serialised across processes by a POSIX lock on the file (per process, so also right
for a counter that crossed a fork) and across threads by a lock of their own. A change is bumped
after it commits, and a reader reads the counter before the state it caches, so a cache can only
be too new for its counter (it is then read once more), never too old."""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

from mocks.kit.locks import ProcessesLock

_COUNTER = struct.Struct("<Q")


class SharedVersion:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = ProcessesLock(path)
        with self._lock.held():
            if os.fstat(self._lock.fd).st_size < _COUNTER.size:
                os.ftruncate(self._lock.fd, _COUNTER.size)  # a new file reads as version 0
        self._map = mmap.mmap(self._lock.fd, _COUNTER.size)

    def current(self) -> int:
        """The counter now. An aligned 8-byte read; even torn by a bump in another process, it
        could only read as a value the counter never had, which just makes the reader re-read."""
        return int(_COUNTER.unpack_from(self._map)[0])

    def bump(self) -> None:
        """Tell every process that something they may have cached changed (after the commit)."""
        with self._lock.held():
            _COUNTER.pack_into(self._map, 0, self.current() + 1)
