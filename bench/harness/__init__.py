"""A harness for benchmarks that compare a gateway request with the upstream call it makes,
sent straight to the built-in mock, both served by one `etjanst up` on a free loopback port.

A scenario file builds, from the started Server, a list of cases. Each case is a Pair (the
gateway Request and the direct mock Request, or the sequence of them the gateway makes, counted
as one request) measured as Throughput (closed-loop load) or Latency (one request at a time),
with an optional target. `main(build, __doc__)` does the rest: flags, server, checks, load,
tables, same-run ratios and --json.
"""

from .cases import Case, Latency, Pair, Throughput
from .cli import main
from .load import Describe, Request, answer_once
from .server import BenchError, Server
from .soap import zeep_envelope

__all__ = [
    "BenchError",
    "Case",
    "Describe",
    "Latency",
    "Pair",
    "Request",
    "Server",
    "Throughput",
    "answer_once",
    "main",
    "zeep_envelope",
]
