"""The command line every scenario file shares: flags, the run, the JSON file."""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import requests

from etjanst.cli import DEFAULT_WORKERS

from . import wrk
from .cases import TRIVIAL, Case, Reference, Throughput, generator_used
from .load import Request, Variant
from .report import table
from .server import (
    HOST,
    BenchError,
    Server,
    TrivialServer,
    free_port,
    loopback_session,
    running_server,
)
from .trivial_app import BODY as TRIVIAL_BODY
from .trivial_app import PATH as TRIVIAL_PATH

# --smoke: enough to see every part of a scenario work, in a few seconds
SMOKE = {
    "duration": 1.0,
    "warmup": 0.5,
    "clients": 2,
    "seq_requests": 2,
    "seq_warmup": 1,
    "workers": 2,
    "threads": 4,
}


def parse_args(description: str, argv: list[str] | None) -> argparse.Namespace:
    top = argparse.ArgumentParser(description=description.split("\n\n")[0])
    add = top.add_argument
    add("--duration", type=float, default=10.0, help="measured seconds per variant (throughput)")
    add("--warmup", type=float, default=2.0, help="warm-up seconds per variant (throughput)")
    add("--clients", type=int, default=8, help="concurrent client threads (throughput)")
    add("--rounds", type=int, default=2, help="blocks per variant, alternating (throughput)")
    add("--max-requests", type=int, default=200_000, help="cap per variant (throughput)")
    add("--seq-requests", type=int, default=30, help="measured requests per variant (latency)")
    add("--seq-warmup", type=int, default=3, help="warm-up requests per variant (latency)")
    add("--port", type=int, default=0, help="server port on 127.0.0.1 (0: a free one)")
    add("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn workers (etjanst's default)")
    add("--threads", type=int, default=8, help="threads per gunicorn worker (etjanst's default)")
    add(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator for throughput: wrk (when installed; auto) or the Python one",
    )
    add("--json", type=Path, help="also write the numbers to this file")
    add("--smoke", action="store_true", help="tiny counts: checks the bench runs, not speed")
    args = top.parse_args(argv)
    if args.smoke:  # its counts become the defaults, so flags given explicitly still win
        top.set_defaults(**SMOKE)
        args = top.parse_args(argv)
    positive = (
        "duration",
        "clients",
        "rounds",
        "max_requests",
        "seq_requests",
        "workers",
        "threads",
    )
    for name in positive:
        if getattr(args, name) <= 0:
            top.error(f"--{name.replace('_', '-')} must be positive")
    if args.warmup < 0 or args.seq_warmup < 0:
        top.error("warm-ups cannot be negative")
    if args.generator == "auto":
        args.generator = "wrk" if wrk.available() else "python"
    elif args.generator == "wrk" and not wrk.available():
        top.error("--generator wrk: no wrk on PATH (Debian: apt-get install wrk)")
    if not 0 <= args.port <= 65535:
        top.error("--port must be 0..65535")
    return args


def trivial_variant(server: Server) -> Variant:
    def describe(response: requests.Response) -> str:
        if response.content != TRIVIAL_BODY:
            raise BenchError(f"unexpected body {response.content[:100]!r}")
        return "a fixed body"

    return Variant(TRIVIAL, server.url, (Request("GET", TRIVIAL_PATH, describe),))


def run(build: Callable[[Server], list[Case]], args: argparse.Namespace) -> dict[str, Any]:
    """Start the server (and, for throughput cases, the trivial reference server with the same
    settings), check every request once, then measure and print case by case."""
    port = free_port(args.port)
    print(
        f"etjanst up on {HOST}:{port}, {args.workers} workers x {args.threads} threads (gthread); "
        f"{os.cpu_count()} CPUs shared with this load generator; today {Server.today}; the mocks "
        "as by default: requests checked against the schema, every exchange journaled",
        flush=True,
    )
    reports = []
    with ExitStack() as stack:
        server = stack.enter_context(running_server(port, args.workers, args.threads))
        cases = [(case, case.pair.variants(server.url)) for case in build(server)]
        reference = None
        if any(isinstance(case, Throughput) for case, _ in cases):
            trivial = stack.enter_context(
                running_server(free_port(), args.workers, args.threads, TrivialServer)
            )
            reference = Reference(trivial_variant(trivial), trivial)
            print(
                f"reference: a trivial Flask route on {trivial.url}{TRIVIAL_PATH}, the same "
                "gunicorn settings; load generator for throughput: "
                + ("wrk" if args.generator == "wrk" else "python (threads, requests)"),
                flush=True,
            )
        with loopback_session() as session:
            for case, variants in cases:
                seen = "; ".join(variant.check(session) for variant in variants)
                print(f"  {case.title}: {seen}", flush=True)
            if reference is not None:
                print(f"  reference: {reference.variant.check(session)}", flush=True)
        for case, variants in cases:
            plan = case.plan(args)
            if isinstance(case, Throughput):
                used = {v.name: generator_used(v, args.generator) for v in variants}
                plan += "; generator " + ", ".join(f"{n}: {g}" for n, g in used.items())
            for variant in variants:
                if variant.sequence:
                    plan += (
                        f"; {variant.name}: a sequence of {len(variant.steps)} requests on one "
                        "connection, counted as one request"
                    )
            print(f"\n{case.title}: {plan}", flush=True)
            results = case.measure(server, variants, args, reference)
            lines, numbers = case.ratios(*results)
            print(table(results), *lines, sep="\n", flush=True)
            report = {"title": case.title} | {
                key: result.summary()
                for key, result in zip(("direct", "gateway", "trivial"), results, strict=False)
            }
            reports.append(report | numbers)
    config = {k: v for k, v in vars(args).items() if k not in ("json", "port")}
    config |= {"host": HOST, "port": port, "today": Server.today.isoformat()}
    config |= {"cpus": os.cpu_count(), "python": platform.python_version()}
    return {"config": config, "cases": reports}


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(
    build: Callable[[Server], list[Case]], description: str, argv: list[str] | None = None
) -> int:
    """The whole run for a scenario file; the exit status. `build` gets the started server and
    returns the cases to measure, in order."""
    args = parse_args(description, argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    for sig in (signal.SIGTERM, signal.SIGHUP):  # so the server is stopped on these too
        signal.signal(sig, _terminate_as_interrupt)
    try:
        results = run(build, args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; the server was stopped", file=sys.stderr)
        return 130
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"\nnumbers written to {args.json}")
    return 0
