"""The load generator and what it measures: latency, errors, wall time and CPU."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from .server import (
    REQUEST_TIMEOUT_S,
    BenchError,
    Server,
    loopback_session,
    machine_busy_seconds,
    minus,
    plus,
)

Describe = Callable[[requests.Response], str]


@dataclass(frozen=True)
class Request:
    """One HTTP request, sent again and again. `describe` is called once, on a 2xx answer,
    before any load: it raises BenchError if that is not the answer to measure, and otherwise
    says in a few words what came back, so that a run shows what it measured."""

    method: str
    path: str
    describe: Describe
    headers: Mapping[str, str] = field(default_factory=dict)
    # a callable gives each request its own body (e.g. a new slot to book each time)
    body: bytes | Callable[[], bytes] | None = None


Steps = Request | tuple[Request, ...]
"""What one measured request is: a Request, or a sequence of Requests sent one after the other
on one connection (the upstream calls a gateway request makes), counted as one request."""


def as_steps(steps: Steps) -> tuple[Request, ...]:
    if isinstance(steps, Request):
        return (steps,)
    if not steps:
        raise ValueError("a sequence needs at least one request")
    return steps


@dataclass(frozen=True)
class Variant:
    """A request, or a sequence of requests counted as one, under a name, against one server."""

    name: str
    base_url: str
    steps: tuple[Request, ...]

    @property
    def sequence(self) -> bool:
        return len(self.steps) > 1

    def where(self, index: int) -> str:
        """Which request of a sequence, for an error message; nothing for a single request."""
        return f" (request {index + 1} of {len(self.steps)})" if self.sequence else ""

    def send(self, session: requests.Session, step: Request) -> requests.Response:
        return session.request(
            step.method,
            self.base_url + step.path,
            headers=dict(step.headers),
            data=step.body() if callable(step.body) else step.body,
            timeout=REQUEST_TIMEOUT_S,
        )

    def answered(self, session: requests.Session, index: int) -> requests.Response:
        """Request `index` of the variant sent once, before the load: its answer, which must
        be a 2xx."""
        response = self.send(session, self.steps[index])
        if not 200 <= response.status_code < 300:
            raise BenchError(
                f"{self.name}{self.where(index)}: HTTP {response.status_code}: "
                f"{response.text[:300]!r} (before load)"
            )
        return response

    def check(self, session: requests.Session) -> str:
        """Each request once, in order, each of which must succeed: what `describe` makes of
        it, and its size."""
        seen = []
        for index, step in enumerate(self.steps):
            response = self.answered(session, index)
            try:
                described = step.describe(response)
            except BenchError as exc:
                raise BenchError(f"{self.name}{self.where(index)}: {exc} (before load)") from exc
            seen.append(f"{described}, {len(response.content) / 1024:.1f} KiB")
        return f"{self.name}: " + ", then ".join(seen)


def answer_once(server: Server, request: Request) -> requests.Response:
    """One request's answer before the load (a 2xx), for what a scenario must learn from it:
    a later request of a sequence may carry what an earlier one answered."""
    with loopback_session() as session:
        return Variant(request.path, server.url, (request,)).answered(session, 0)


@dataclass
class Result:
    """Everything measured for one variant, summed over its blocks. For a sequence, a request
    is the whole sequence: `ok`, `errors`, the rate and CPU per request count sequences."""

    name: str
    steps: int = 1  # requests per counted request: more than one for a sequence
    latencies_s: list[float] = field(default_factory=list)  # successful requests only
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: float | None = 0.0
    machine_cpu_s: float | None = 0.0  # every process on the box, this one and the server too
    # wrk times each request of a sequence, not the sequence: a latency is one of its requests
    latency_per_step: bool = False
    # under load: the rate of each round's block, in the order measured (see add_round)
    round_rates: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return self.ok + sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def percentile_ms(self, p: float) -> float | None:
        """Nearest rank: with 30 samples p99 is the slowest one."""
        if not self.latencies_s:
            return None
        ordered = sorted(self.latencies_s)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    def per_request_ms(self, seconds: float | None) -> float | None:
        return seconds / self.requests * 1000 if seconds is not None and self.requests else None

    def add(self, other: Result) -> None:
        self.latencies_s += other.latencies_s
        self.ok += other.ok
        self.latency_per_step |= other.latency_per_step
        self.errors.update(other.errors)
        self.elapsed_s += other.elapsed_s
        self.client_cpu_s += other.client_cpu_s
        self.server_cpu_s = plus(self.server_cpu_s, other.server_cpu_s)
        self.machine_cpu_s = plus(self.machine_cpu_s, other.machine_cpu_s)

    def add_round(self, block: Result) -> None:
        """Add a round's whole block and keep its rate; `add` alone sums the parts of one
        block, such as the Python generator's threads."""
        self.add(block)
        self.round_rates.append(block.rate)

    def cores(self, seconds: float | None) -> float | None:
        """CPU seconds as cores busy on average over the measured time."""
        return seconds / self.elapsed_s if seconds is not None and self.elapsed_s else None

    def other_cpu_s(self) -> float | None:
        """CPU used by neither the server nor this load generator: other work on the box
        (clock-tick rounding can make a true zero come out slightly negative)."""
        other = minus(minus(self.machine_cpu_s, self.server_cpu_s), self.client_cpu_s)
        return None if other is None else max(0.0, other)

    def summary(self) -> dict[str, Any]:
        sequence = {}
        if self.steps > 1:
            latency_of = "each request" if self.latency_per_step else "the whole sequence"
            sequence = {"requests_per_sequence": self.steps, "latency_of": latency_of}
        return sequence | {
            "requests": self.requests,
            "errors": self.requests - self.ok,
            "error_kinds": dict(self.errors),
            "elapsed_s": round(self.elapsed_s, 3),
            "req_per_s": round(self.rate, 1),
            "p50_ms": rounded(self.percentile_ms(50)),
            "p90_ms": rounded(self.percentile_ms(90)),
            "p99_ms": rounded(self.percentile_ms(99)),
            "max_ms": rounded(self.percentile_ms(100)),
            "server_cpu_ms_per_request": rounded(self.per_request_ms(self.server_cpu_s)),
            "client_cpu_ms_per_request": rounded(self.per_request_ms(self.client_cpu_s)),
            "server_cores": rounded(self.cores(self.server_cpu_s)),
            "client_cores": rounded(self.cores(self.client_cpu_s)),
            "other_cores": rounded(self.cores(self.other_cpu_s())),
        }


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


class Budget:
    """At most `limit` requests, shared by the client threads of one block."""

    def __init__(self, limit: int) -> None:
        self.left, self.lock = limit, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def one_request(variant: Variant, session: requests.Session, result: Result) -> None:
    """The variant's request, or its sequence in order until one fails: one request in
    `result`, timed from the first request sent to the last answer read."""
    started = time.perf_counter()
    for index, step in enumerate(variant.steps):
        try:
            response = variant.send(session, step)
        except requests.RequestException as exc:
            result.errors[type(exc).__name__ + variant.where(index)] += 1
            time.sleep(0.01)  # a dead server must not turn the loop into a spin
            return
        if not 200 <= response.status_code < 300:
            result.errors[f"HTTP {response.status_code}{variant.where(index)}"] += 1
            return
    result.latencies_s.append(time.perf_counter() - started)
    result.ok += 1


def closed_loop(
    variant: Variant,
    sessions: list[requests.Session],
    seconds: float,
    max_requests: int,
    server: Server,
) -> Result:
    """len(sessions) threads, each sending its next request (or sequence) as soon as the last one
    is answered, until `seconds` have passed or `max_requests` have been sent."""
    budget, go, stop = Budget(max_requests), threading.Event(), threading.Event()
    parts = [Result(variant.name, len(variant.steps)) for _ in sessions]
    failures: list[BaseException] = []
    deadline = [0.0]

    def client(session: requests.Session, part: Result) -> None:
        try:
            go.wait(timeout=60)
            while not stop.is_set() and time.perf_counter() < deadline[0] and budget.take():
                one_request(variant, session, part)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [
        threading.Thread(target=client, args=(s, p), daemon=True, name=f"client-{i}")
        for i, (s, p) in enumerate(zip(sessions, parts, strict=True))
    ]
    for thread in threads:
        thread.start()
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    machine_cpu = machine_busy_seconds()
    started = time.perf_counter()
    deadline[0] = started + seconds
    go.set()
    try:
        join_by = started + seconds + REQUEST_TIMEOUT_S + 5
        for thread in threads:
            thread.join(timeout=max(0.0, join_by - time.perf_counter()))
    finally:
        stop.set()
    if any(thread.is_alive() for thread in threads):
        raise BenchError(f"{variant.name}: client threads did not finish in time")
    if failures:
        raise BenchError(f"{variant.name}: a client thread failed: {failures[0]!r}")
    total = Result(variant.name, len(variant.steps))
    for part in parts:
        total.add(part)
    total.elapsed_s = time.perf_counter() - started
    total.client_cpu_s = time.process_time() - client_cpu
    total.machine_cpu_s = minus(machine_busy_seconds(), machine_cpu)
    total.server_cpu_s = minus(server.cpu_seconds(), server_cpu)
    return total


def timed_request(
    variant: Variant, session: requests.Session, result: Result, server: Server
) -> None:
    """One request with its wall time and CPU added to `result`; the whole machine's CPU is not
    measured per request."""
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    started = time.perf_counter()
    one_request(variant, session, result)
    result.elapsed_s += time.perf_counter() - started
    result.client_cpu_s += time.process_time() - client_cpu
    result.server_cpu_s = plus(result.server_cpu_s, minus(server.cpu_seconds(), server_cpu))
    result.machine_cpu_s = None
