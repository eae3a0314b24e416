"""Every benchmark scenario runs end to end: with --smoke it starts `etjanst up` (and, for
throughput, the trivial reference server), measures its cases with tiny counts, prints the
same-run ratios and exits 0. Its numbers are never checked, only that every request was answered
without error, by wrk when it is installed and by the Python generator when asked to, and that a
direct side made of several upstream calls is counted and shown as one request."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
LISTING = ROOT / "bench" / "bench_listing.py"  # run by its own test, with each load generator
SCENARIOS = sorted(set((ROOT / "bench").glob("bench_*.py")) - {LISTING})


def run_smoke(scenario: Path, tmp_path: Path, *flags: str) -> tuple[list[dict[str, Any]], str]:
    numbers = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(scenario), "--smoke", "--json", str(numbers), *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"gateway/direct throughput: \d+\.\d %|gateway p50: \d", result.stdout)
    cases: list[dict[str, Any]] = json.loads(numbers.read_text(encoding="utf-8"))["cases"]
    assert cases
    for case in cases:
        measured = ("direct", "gateway")
        if "gateway_direct_throughput_pct" in case:  # a throughput case: the ceiling beside it
            measured += ("trivial",)
            assert "gateway_overhead_trivials" in case, case
            assert "direct_trivial_throughput_pct" in case, case
            # --smoke keeps the two alternating rounds: each one's ratios beside the run's
            for key in ("gateway_direct_throughput_pct", "direct_trivial_throughput_pct"):
                assert len(case[f"{key}_by_round"]) == 2, case
        for variant in measured:
            assert case[variant]["requests"] > 0, case["title"]
            assert case[variant]["errors"] == 0, (case["title"], case[variant]["error_kinds"])
            if "requests_per_sequence" in case[variant]:
                steps = case[variant]["requests_per_sequence"]
                assert f"a sequence of {steps} requests on one connection" in result.stdout
    return cases, result.stdout


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_the_scenario_runs(scenario: Path, tmp_path: Path) -> None:
    run_smoke(scenario, tmp_path)


def test_the_python_load_generator_still_runs_a_scenario(tmp_path: Path) -> None:
    (case,), _ = run_smoke(ROOT / "bench" / "bench_frikort.py", tmp_path, "--generator", "python")
    assert case["gateway_overhead_trivials"] is not None


@pytest.mark.parametrize(
    ("generator", "latency_of"), [("wrk", "each request"), ("python", "the whole sequence")]
)
def test_the_listing_direct_side_is_both_calls_of_the_gateway_counted_as_one(
    generator: str, latency_of: str, tmp_path: Path
) -> None:
    if generator == "wrk" and shutil.which("wrk") is None:
        pytest.skip("no wrk on PATH")
    (case,), printed = run_smoke(LISTING, tmp_path, "--generator", generator)
    assert case["direct"]["requests_per_sequence"] == 2
    assert case["direct"]["latency_of"] == latency_of
    assert "requests_per_sequence" not in case["gateway"]
    # GetListingCounty, then GetListing at the county it named, each checked before the load
    assert re.search(r"direct \(mock\): county 06, [\d.]+ KiB, then 1 listing\(s\)", printed)
    assert case["gateway_overhead_trivials"] is not None
