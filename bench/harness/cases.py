"""What a scenario measures: a pair of requests, under load (Throughput) or one at a time
(Latency), with the same-run ratio of gateway to direct and an optional target. Under load, the
trivial route (the Reference) is measured in the same rounds, as the stack's ceiling."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from . import wrk
from .load import (
    Request,
    Result,
    Steps,
    Variant,
    as_steps,
    closed_loop,
    one_request,
    rounded,
    timed_request,
)
from .report import against, number
from .server import Server, loopback_session

GATEWAY, DIRECT, TRIVIAL = "gateway", "direct (mock)", "trivial route"


@dataclass(frozen=True)
class Reference:
    """The trivial route on a server of its own with the same settings: the stack's ceiling."""

    variant: Variant
    server: Server


def load_block(
    variant: Variant,
    sessions: list[requests.Session],
    seconds: float,
    max_requests: int,
    server: Server,
    generator: str,
) -> Result:
    """One block of closed-loop load, from wrk when chosen and able to send this request (fixed
    requests), else from the Python generator."""
    if generator == "wrk" and wrk.usable(variant):
        return wrk.block(variant, len(sessions), seconds, server)
    return closed_loop(variant, sessions, seconds, max_requests, server)


def generator_used(variant: Variant, generator: str) -> str:
    return "wrk" if generator == "wrk" and wrk.usable(variant) else "python"


@dataclass(frozen=True)
class Pair:
    """A gateway request, and the upstream calls it makes sent straight to the mock: the
    difference between the two is what the gateway adds. When the gateway makes more than one
    call, `direct` is their sequence, in the gateway's order, and one direct request in every
    count and ratio is the whole sequence."""

    gateway: Request
    direct: Steps

    def variants(self, base_url: str) -> tuple[Variant, Variant]:
        """(direct, gateway): direct first, as it is printed."""
        return (
            Variant(DIRECT, base_url, as_steps(self.direct)),
            Variant(GATEWAY, base_url, as_steps(self.gateway)),
        )


@dataclass(frozen=True)
class Throughput:
    """A closed-loop load of --clients threads, each with its own keep-alive session. Each
    variant gets --warmup seconds that are not counted, then --duration seconds in --rounds
    blocks in the order direct, gateway, gateway, direct, ..., so drift hits both alike."""

    title: str
    pair: Pair
    min_ratio_pct: float | None = None  # target: gateway req/s at least this % of direct's
    # target: direct req/s at least this % of the trivial route's (the mock near the ceiling)
    min_direct_trivial_pct: float | None = None
    # target: the gateway's own time per request, (1/gateway - 1/direct), in trivial requests
    max_overhead_trivials: float | None = 3.0

    def plan(self, args: argparse.Namespace) -> str:
        return (
            f"{args.clients} clients, closed loop, {args.duration:g} s per variant in "
            f"{args.rounds} alternating blocks after {args.warmup:g} s warm-up each"
        )

    def measure(
        self,
        server: Server,
        variants: tuple[Variant, Variant],
        args: argparse.Namespace,
        reference: Reference | None,
    ) -> list[Result]:
        """[direct, gateway] and, with a reference, the trivial route measured in the same
        alternating rounds."""
        targets = [(v, server) for v in variants]
        if reference is not None:
            targets.append((reference.variant, reference.server))
        sessions = {v.name: [loopback_session() for _ in range(args.clients)] for v, _ in targets}
        per_block_s = args.duration / args.rounds
        per_block_max = math.ceil(args.max_requests / args.rounds)
        results = {v.name: Result(v.name, len(v.steps)) for v, _ in targets}

        def block(variant: Variant, on: Server, seconds: float) -> Result:
            return load_block(
                variant, sessions[variant.name], seconds, per_block_max, on, args.generator
            )

        try:
            for variant, on in targets:  # warm-up: connections, worker caches, workers booted
                block(variant, on, args.warmup)
            for round_no in range(args.rounds):
                for variant, on in targets if round_no % 2 == 0 else targets[::-1]:
                    results[variant.name].add_round(block(variant, on, per_block_s))
        finally:
            for group in sessions.values():
                for session in group:
                    session.close()
        return [results[v.name] for v, _ in targets]

    def ratios(
        self, direct: Result, gateway: Result, trivial: Result | None = None
    ) -> tuple[list[str], dict[str, Any]]:
        pct = gateway.rate / direct.rate * 100 if direct.rate else 0.0
        line = f"  gateway/direct throughput: {pct:.1f} %"
        numbers: dict[str, Any] = {"gateway_direct_throughput_pct": round(pct, 1)}
        if self.min_ratio_pct is not None:
            ok = pct >= self.min_ratio_pct
            line += against(f">= {self.min_ratio_pct:g} %", ok)
            numbers.update(throughput_target_pct=self.min_ratio_pct, meets_target=ok)
        lines = [line + by_round(numbers, "gateway_direct_throughput_pct", _pct, gateway, direct)]
        if trivial is not None and trivial.rate and direct.rate and gateway.rate:
            lines += self._against_trivial(direct, gateway, trivial, numbers)
        lines.append(
            f"  CPU busy, in cores of {os.cpu_count()}: server / this load generator / "
            "other processes"
        )
        for result in (direct, gateway, trivial):
            if result is None:
                continue
            used = (result.server_cpu_s, result.client_cpu_s, result.other_cpu_s())
            lines.append(
                f"    {result.name:<15} " + " / ".join(number(result.cores(u)) for u in used)
            )
        return lines, numbers

    def _against_trivial(
        self, direct: Result, gateway: Result, trivial: Result, numbers: dict[str, Any]
    ) -> list[str]:
        """The mock's throughput as a share of the ceiling, and the gateway's own time per
        request at saturation in trivial requests: (1/gateway - 1/direct) / (1/trivial)."""
        mock_pct = _pct(direct.rate, trivial.rate)
        overhead = _overhead(gateway.rate, direct.rate, trivial.rate)
        mock_line = f"  direct/trivial throughput: {mock_pct:.1f} %"
        overhead_line = (
            f"  gateway overhead: {overhead:.2f} trivial requests "
            "((1/gateway - 1/direct) / (1/trivial))"
        )
        numbers.update(
            direct_trivial_throughput_pct=round(mock_pct, 1),
            gateway_overhead_trivials=round(overhead, 2),
        )
        if self.min_direct_trivial_pct is not None:
            ok = mock_pct >= self.min_direct_trivial_pct
            mock_line += against(f">= {self.min_direct_trivial_pct:g} %", ok)
            numbers.update(direct_trivial_target_pct=self.min_direct_trivial_pct, mock_meets=ok)
        if self.max_overhead_trivials is not None:
            ok = overhead <= self.max_overhead_trivials
            overhead_line += against(f"<= {self.max_overhead_trivials:g}", ok)
            numbers.update(overhead_target_trivials=self.max_overhead_trivials, overhead_meets=ok)
        mock_line += by_round(numbers, "direct_trivial_throughput_pct", _pct, direct, trivial)
        overhead_line += by_round(
            numbers, "gateway_overhead_trivials", _overhead, gateway, direct, trivial, digits=2
        )
        return [mock_line, overhead_line]


def _pct(rate: float, of: float) -> float:
    return rate / of * 100


def _overhead(gateway: float, direct: float, trivial: float) -> float:
    """The gateway's own time per request at saturation, in trivial requests."""
    return (1 / gateway - 1 / direct) * trivial


def by_round(
    numbers: dict[str, Any],
    key: str,
    ratio: Callable[..., float],
    *results: Result,
    digits: int = 1,
) -> str:
    """The ratio of each round's blocks alone (measured back to back, so they saw the same
    machine), added to `numbers` as `<key>_by_round`; printed when there are several, so that a
    reader sees how far the run's one figure can be trusted."""
    rounds = zip(*(r.round_rates for r in results), strict=True)
    values = [round(ratio(*rates), digits) for rates in rounds if all(rates)]
    numbers[f"{key}_by_round"] = values
    if len(values) < 2:
        return ""
    return "; by round: " + ", ".join(f"{v:g}" for v in values)


@dataclass(frozen=True)
class Latency:
    """One client sending one request at a time, alternating gateway and direct: --seq-requests
    measured requests per variant after --seq-warmup warm-up requests."""

    title: str
    pair: Pair
    max_gateway_p50_ms: float | None = None  # target: the gateway's p50 below this
    max_p50_times_direct: float | None = None  # target: the gateway's p50 at most this x direct's

    def plan(self, args: argparse.Namespace) -> str:
        return (
            f"1 client, sequential, {args.seq_requests} requests per variant after "
            f"{args.seq_warmup} warm-up, alternating"
        )

    def measure(
        self,
        server: Server,
        variants: tuple[Variant, Variant],
        args: argparse.Namespace,
        reference: Reference | None,
    ) -> list[Result]:
        """[direct, gateway]; the reference is for throughput only."""
        direct, gateway = variants
        order = [gateway, direct]
        results = {v.name: Result(v.name, len(v.steps)) for v in variants}
        discard = Result("warm-up")
        with loopback_session() as session:
            for _ in range(args.seq_warmup):
                for variant in order:
                    one_request(variant, session, discard)
            for i in range(args.seq_requests):
                for variant in order if i % 2 == 0 else order[::-1]:
                    timed_request(variant, session, results[variant.name], server)
        return [results[DIRECT], results[GATEWAY]]

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
        if self.max_p50_times_direct is not None:
            ok = times is not None and times <= self.max_p50_times_direct
            line += against(f"<= {self.max_p50_times_direct:g} x", ok)
            numbers.update(p50_target_times_direct=self.max_p50_times_direct, meets_times=ok)
        lines = [line]
        if gateway.ok < 100:
            lines.append(f"  (p99 of {gateway.ok} samples is the slowest one)")
        return lines, numbers


Case = Throughput | Latency
