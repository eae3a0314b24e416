"""`etjanst up` and `etjanst mocks` under gunicorn (gthread workers), as in production.

Each worker builds its own app after the fork; the mocks' shared state file is chosen before
it, so every worker sees the same datasets, stubs, faults and journal. Metrics are kept in
prometheus-client's multiprocess mode, so /metrics adds up every worker, whichever answers.

The gateway calls the built-in mocks on a loopback listener of their own, served by threads of
their own in every worker (`ApartPoolWorker`). Were they served by the threads that serve the
gateway, a burst of gateway requests would take every thread, each waiting for a mock request
queued behind it, until the upstream read timeout.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import socket
from collections.abc import Callable
from concurrent import futures
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker
from prometheus_client import multiprocess

from etjanst.server import WSGIApp


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, build: Callable[[], WSGIApp], options: dict[str, Any]) -> None:
        self.build, self.options = build, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self.build()


# glibc's mallopt parameters (malloc.h)
M_MXFAST = 1
M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def tune_malloc(arenas: int = MALLOC_ARENAS) -> None:
    """Set in the master before the workers fork; elsewhere than glibc, nothing changes.

    - What MALLOC_ARENA_MAX does: glibc gives each thread that allocates concurrently an arena
      of its own (up to 8 per core), and the large answers (megabytes of XML per request)
      fragment them: in the soak (bench/soak.py) workers of 8 threads levelled off at 257-294
      MB, and at 145-198 MB with two arenas.
    - No fast bins (glibc.malloc.mxfast=0): freeing a large answer's tree (about 100,000 lxml
      nodes) fills them, and the next allocations then pay to consolidate them, about 15 ms
      per 2,000-record answer."""
    libc = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(libc), "mallopt", None) if libc else None
    if mallopt is not None:
        mallopt(M_ARENA_MAX, arenas)
        mallopt(M_MXFAST, 0)


def freeze_startup_objects() -> None:
    """In each worker once its app is built: what start-up made (WSDLs, schemas, clients,
    settings) lives as long as the worker, so the garbage collector stops scanning it in every
    full collection, which the object churn of a large answer triggers."""
    gc.freeze()


class ApartPoolWorker(ThreadWorker):  # type: ignore[misc]
    """gthread, with a thread pool of its own (as many threads) for the connections that arrive
    on `apart_address`; every other listener is served by gthread's own pool."""

    apart_address: Any = None

    def init_process(self) -> None:
        self.apart_pool = futures.ThreadPoolExecutor(
            max_workers=self.cfg.threads, thread_name_prefix="etjanst-upstream"
        )
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        """gthread's own, but the pool is chosen by the listener the connection came in on."""
        pool = self.apart_pool if conn.server == self.apart_address else self.tpool
        done = pool.submit(self.handle, conn)
        done.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.apart_pool.shutdown(wait=False)


def apart_for(listener: socket.socket) -> type[ApartPoolWorker]:
    return type("ApartPoolWorker", (ApartPoolWorker,), {"apart_address": listener.getsockname()})


def run(
    build: Callable[[], WSGIApp],
    listener: socket.socket,
    workers: int,
    threads: int,
    timeout_s: int,
    access_log: bool,
    apart: socket.socket | None = None,
) -> None:
    """Serve `build`'s app on `listener` (and on `apart`, with threads of its own); gunicorn
    takes both sockets over."""
    worker_class = "gthread" if apart is None else apart_for(apart)
    listeners = [listener] if apart is None else [listener, apart]
    options: dict[str, Any] = {
        "bind": [f"fd://{each.detach()}" for each in listeners],
        "workers": workers,
        "threads": threads,
        "worker_class": worker_class,
        "timeout": timeout_s,
        "graceful_timeout": 5,
        "loglevel": "info",
        # a worker that is gone must stop counting in the live-worker metrics
        "child_exit": lambda server, worker: multiprocess.mark_process_dead(worker.pid),
        "post_worker_init": lambda worker: freeze_startup_objects(),
    }
    if access_log:
        options["accesslog"] = "-"
    tune_malloc()
    Server(build, options).run()
