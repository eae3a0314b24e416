"""The bench prints each round's ratios beside the run's: the blocks of one round run back to
back, so their ratio is what one comparison on one machine state says, and the spread over the
rounds shows how far the run's single figure can be trusted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from harness import Request
from harness.cases import DIRECT, GATEWAY, TRIVIAL, Pair, Throughput
from harness.load import Result


def measured(name: str, *rates: float) -> Result:
    """A variant measured in one-second blocks at these rates, as Throughput.measure sums it."""
    result = Result(name)
    for rate in rates:
        result.add_round(Result(name, ok=int(rate), elapsed_s=1.0))
    return result


UNUSED = Request("GET", "/", describe=str)
CASE = Throughput("a case", Pair(UNUSED, UNUSED), min_ratio_pct=50.0, min_direct_trivial_pct=50.0)


def test_each_round_has_its_own_ratios_beside_the_whole_run() -> None:
    direct = measured(DIRECT, 1000, 2000)
    gateway = measured(GATEWAY, 250, 400)
    trivial = measured(TRIVIAL, 4000, 2500)

    lines, numbers = CASE.ratios(direct, gateway, trivial)

    assert numbers["direct_trivial_throughput_pct"] == pytest.approx(46.2, abs=0.05)  # 3000/6500
    assert numbers["direct_trivial_throughput_pct_by_round"] == [25.0, 80.0]
    assert numbers["gateway_direct_throughput_pct_by_round"] == [25.0, 20.0]
    # (1/250 - 1/1000) * 4000 and (1/400 - 1/2000) * 2500
    assert numbers["gateway_overhead_trivials_by_round"] == [12.0, 5.0]
    printed = "\n".join(lines)
    assert "direct/trivial throughput: 46.2 % (target >= 50 %): misses; by round: 25, 80" in printed
    assert "trivial))" in printed and "by round: 12, 5" in printed


def test_one_round_prints_no_spread_but_keeps_its_figure() -> None:
    lines, numbers = CASE.ratios(measured(DIRECT, 1000), measured(GATEWAY, 500))

    assert numbers["gateway_direct_throughput_pct_by_round"] == [50.0]
    assert "by round" not in "\n".join(lines)
