"""The bench harness counts a sequence of requests (the upstream calls one gateway request makes)
as one request: both load generators send it in order on one connection, and the counts, errors
and latencies come out per sequence (with wrk, latencies per request of it). Against a small
HTTP server on loopback that records which connection asked for what."""

from __future__ import annotations

import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from harness import BenchError, Request, Server, wrk
from harness.load import Result, Variant, closed_loop, one_request
from harness.server import loopback_session

FIRST, SECOND, REFUSED = "/first", "/second", "/refused"


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Answer)
        self.lock = threading.Lock()
        self.seen: dict[int, list[str]] = defaultdict(list)  # client port -> paths, in order

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def paths(self) -> list[str]:
        with self.lock:
            return [path for paths in self.seen.values() for path in paths]


class Answer(BaseHTTPRequestHandler):
    """200 with a short body, 500 for REFUSED; keep-alive, as gunicorn answers."""

    protocol_version = "HTTP/1.1"
    server: Recorder

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.seen[self.client_address[1]].append(self.path)
        body = b"ok"
        self.send_response(500 if self.path == REFUSED else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class NoServerCpu:
    """The server's CPU is not what these tests measure."""

    def cpu_seconds(self) -> None:
        return None


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def sequence(url: str, *paths: str) -> Variant:
    def describe(response: requests.Response) -> str:
        return response.text

    return Variant("direct", url, tuple(Request("POST", p, describe, {}, b"<x/>") for p in paths))


def in_order(paths: list[str], steps: list[str]) -> bool:
    """Each connection's requests are the sequence over and over, from its first request (the
    last sequence may be cut short when the load stops)."""
    return all(path == steps[i % len(steps)] for i, path in enumerate(paths))


def test_the_python_generator_sends_a_sequence_in_order_and_counts_it_once(
    recorder: Recorder,
) -> None:
    variant = sequence(recorder.url, FIRST, SECOND)
    sessions = [loopback_session() for _ in range(3)]
    try:
        result = closed_loop(variant, sessions, 60.0, 40, cast(Server, NoServerCpu()))
    finally:
        for session in sessions:
            session.close()
    assert result.requests == 40 and result.ok == 40 and not result.errors
    assert len(result.latencies_s) == 40  # one latency per sequence, not per request
    assert result.steps == 2 and not result.latency_per_step
    assert len(recorder.paths()) == 80
    assert all(in_order(paths, [FIRST, SECOND]) for paths in recorder.seen.values())


def test_a_sequence_stops_at_its_first_failure_which_counts_as_one_error(
    recorder: Recorder,
) -> None:
    variant = sequence(recorder.url, FIRST, REFUSED, SECOND)
    result = Result(variant.name, len(variant.steps))
    with loopback_session() as session:
        one_request(variant, session, result)
    assert result.requests == 1 and result.ok == 0 and not result.latencies_s
    assert dict(result.errors) == {"HTTP 500 (request 2 of 3)": 1}
    assert recorder.paths() == [FIRST, REFUSED]


def test_a_sequence_checked_before_the_load_says_what_each_request_answered(
    recorder: Recorder,
) -> None:
    with loopback_session() as session:
        seen = sequence(recorder.url, FIRST, SECOND).check(session)
        assert seen == "direct: ok, 0.0 KiB, then ok, 0.0 KiB"
        with pytest.raises(BenchError, match=r"direct \(request 2 of 2\): HTTP 500"):
            sequence(recorder.url, FIRST, REFUSED).check(session)


def wrk_numbers(latency_us: list[list[int]], status: int = 0, **errors: int) -> dict[str, Any]:
    counts = {"connect": 0, "read": 0, "write": 0, "timeout": 0} | errors
    return {"duration_us": 2_000_000, "status": status, "latency_us": latency_us, **counts}


def test_wrk_counts_of_a_single_request_are_as_they_always_were() -> None:
    variant = sequence("http://127.0.0.1:1", FIRST)
    result = wrk.tally(variant, wrk_numbers([[1000, 6], [3000, 4]], status=2, timeout=1))
    assert (result.requests, result.ok, result.rate) == (11, 8, 5.5)
    assert dict(result.errors) == {"HTTP non-2xx (wrk)": 2, "timeout error (wrk)": 1}
    assert result.percentile_ms(100) == 3.0 and not result.latency_per_step
    assert "requests_per_sequence" not in result.summary()


def test_wrk_counts_a_sequence_once_and_each_failed_request_as_a_failed_sequence() -> None:
    variant = sequence("http://127.0.0.1:1", FIRST, SECOND)
    result = wrk.tally(variant, wrk_numbers([[1000, 11], [3000, 10]]))
    assert (result.requests, result.ok, result.rate) == (10, 10, 5.0)
    assert result.per_request_ms(1.0) == 100.0  # CPU per sequence
    failed = wrk.tally(variant, wrk_numbers([[1000, 10], [3000, 10]], status=1, read=2))
    assert (failed.requests, failed.ok, sum(failed.errors.values())) == (11, 8, 3)
    assert failed.latency_per_step and failed.summary()["latency_of"] == "each request"


@pytest.mark.skipif(not wrk.available(), reason="no wrk on PATH")
def test_wrk_sends_a_sequence_in_order_on_every_connection(recorder: Recorder) -> None:
    variant = sequence(recorder.url, FIRST, SECOND)
    result = wrk.block(variant, 3, 1.0, cast(Server, NoServerCpu()))
    assert len(recorder.seen) == 3  # one connection per client
    assert all(in_order(paths, [FIRST, SECOND]) for paths in recorder.seen.values())
    assert not result.errors and result.ok > 0
    sent = len(recorder.paths())  # wrk stops with up to one request a connection unanswered
    assert 2 * result.requests <= sent <= 2 * result.requests + 2 * 3 + 1
