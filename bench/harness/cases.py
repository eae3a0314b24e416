"""What a scenario measures: a pair of requests, under load (Throughput) or one at a time
(Latency), with the same-run ratio of gateway to direct and an optional target."""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass
from typing import Any

from .load import Request, Result, Variant, closed_loop, one_request, rounded, timed_request
from .report import against, number
from .server import Server, loopback_session

GATEWAY, DIRECT = "gateway", "direct (mock)"


@dataclass(frozen=True)
class Pair:
    """A gateway request, and the upstream call it makes sent straight to the mock: the
    difference between the two is what the gateway adds."""

    gateway: Request
    direct: Request

    def variants(self, base_url: str) -> tuple[Variant, Variant]:
        """(direct, gateway): direct first, as it is printed."""
        return Variant(DIRECT, base_url, self.direct), Variant(GATEWAY, base_url, self.gateway)


@dataclass(frozen=True)
class Throughput:
    """A closed-loop load of --clients threads, each with its own keep-alive session. Each
    variant gets --warmup seconds that are not counted, then --duration seconds in --rounds
    blocks in the order direct, gateway, gateway, direct, ..., so drift hits both alike."""

    title: str
    pair: Pair
    min_ratio_pct: float | None = None  # target: gateway req/s at least this % of direct's

    def plan(self, args: argparse.Namespace) -> str:
        return (
            f"{args.clients} clients, closed loop, {args.duration:g} s per variant in "
            f"{args.rounds} alternating blocks after {args.warmup:g} s warm-up each"
        )

    def measure(
        self, server: Server, variants: tuple[Variant, Variant], args: argparse.Namespace
    ) -> tuple[Result, Result]:
        sessions = {v.name: [loopback_session() for _ in range(args.clients)] for v in variants}
        per_block_s = args.duration / args.rounds
        per_block_max = math.ceil(args.max_requests / args.rounds)
        results = {v.name: Result(v.name) for v in variants}
        try:
            for variant in variants:  # warm-up: connections, worker caches, all workers booted
                closed_loop(variant, sessions[variant.name], args.warmup, per_block_max, server)
            for round_no in range(args.rounds):
                for variant in variants if round_no % 2 == 0 else variants[::-1]:
                    block = closed_loop(
                        variant, sessions[variant.name], per_block_s, per_block_max, server
                    )
                    results[variant.name].add(block)
        finally:
            for group in sessions.values():
                for session in group:
                    session.close()
        return results[DIRECT], results[GATEWAY]

    def ratios(self, direct: Result, gateway: Result) -> tuple[list[str], dict[str, Any]]:
        pct = gateway.rate / direct.rate * 100 if direct.rate else 0.0
        line = f"  gateway/direct throughput: {pct:.1f} %"
        numbers: dict[str, Any] = {"gateway_direct_throughput_pct": round(pct, 1)}
        if self.min_ratio_pct is not None:
            ok = pct >= self.min_ratio_pct
            line += against(f">= {self.min_ratio_pct:g} %", ok)
            numbers.update(throughput_target_pct=self.min_ratio_pct, meets_target=ok)
        lines = [
            line,
            f"  CPU busy, in cores of {os.cpu_count()}: server / this load generator / "
            "other processes",
        ]
        for result in (direct, gateway):
            used = (result.server_cpu_s, result.client_cpu_s, result.other_cpu_s())
            lines.append(
                f"    {result.name:<15} " + " / ".join(number(result.cores(u)) for u in used)
            )
        return lines, numbers


@dataclass(frozen=True)
class Latency:
    """One client sending one request at a time, alternating gateway and direct: --seq-requests
    measured requests per variant after --seq-warmup warm-up requests."""

    title: str
    pair: Pair
    max_gateway_p50_ms: float | None = None  # target: the gateway's p50 below this

    def plan(self, args: argparse.Namespace) -> str:
        return (
            f"1 client, sequential, {args.seq_requests} requests per variant after "
            f"{args.seq_warmup} warm-up, alternating"
        )

    def measure(
        self, server: Server, variants: tuple[Variant, Variant], args: argparse.Namespace
    ) -> tuple[Result, Result]:
        direct, gateway = variants
        order = [gateway, direct]
        results = {v.name: Result(v.name) for v in variants}
        discard = Result("warm-up")
        with loopback_session() as session:
            for _ in range(args.seq_warmup):
                for variant in order:
                    one_request(variant, session, discard)
            for i in range(args.seq_requests):
                for variant in order if i % 2 == 0 else order[::-1]:
                    timed_request(variant, session, results[variant.name], server)
        return results[DIRECT], results[GATEWAY]

    def ratios(self, direct: Result, gateway: Result) -> tuple[list[str], dict[str, Any]]:
        p50, direct_p50 = gateway.percentile_ms(50), direct.percentile_ms(50)
        times = p50 / direct_p50 if p50 is not None and direct_p50 else None
        line = f"  gateway p50: {number(p50)} ms, {number(times)} x direct's"
        numbers: dict[str, Any] = {
            "gateway_p50_ms": rounded(p50),
            "p50_times_direct": rounded(times),
        }
        if self.max_gateway_p50_ms is not None:
            ok = p50 is not None and p50 < self.max_gateway_p50_ms
            line += against(f"< {self.max_gateway_p50_ms:g} ms", ok)
            numbers.update(p50_target_ms=self.max_gateway_p50_ms, meets_target=ok)
        lines = [line]
        if gateway.ok < 100:
            lines.append(f"  (p99 of {gateway.ok} samples is the slowest one)")
        return lines, numbers


Case = Throughput | Latency
