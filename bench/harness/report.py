"""Printing: the table of results and the meets/misses of a target."""

from __future__ import annotations

from .load import Result


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(results: list[Result]) -> str:
    head = (
        f"  {'variant':<15} {'requests':>9} {'errors':>7} {'req/s':>9} {'p50 ms':>8} "
        f"{'p99 ms':>8}   {'server CPU ms/req':>17} {'client CPU ms/req':>17}"
    )
    lines = [head, "  " + "-" * (len(head) - 2)]
    for r in results:
        lines.append(
            f"  {r.name:<15} {r.requests:>9} {r.requests - r.ok:>7} {r.rate:>9.1f} "
            f"{number(r.percentile_ms(50)):>8} {number(r.percentile_ms(99)):>8}   "
            f"{number(r.per_request_ms(r.server_cpu_s)):>17} "
            f"{number(r.per_request_ms(r.client_cpu_s)):>17}"
        )
        if r.steps > 1:
            timed = f"each of its {r.steps} requests" if r.latency_per_step else "the sequence"
            lines.append(f"  {'':<15} a sequence of {r.steps} requests; p50/p99: {timed}")
        if r.errors:
            kinds = ", ".join(f"{k} x{n}" for k, n in r.errors.most_common(3))
            lines.append(f"  {'':<15} errors: {kinds}")
    return "\n".join(lines)


def against(target: str, ok: bool) -> str:
    """' (target <target>): meets' or '...: misses'. Targets are printed, never asserted."""
    return f" (target {target}): {'meets' if ok else 'misses'}"
