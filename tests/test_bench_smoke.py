"""Every benchmark scenario runs end to end: with --smoke it starts `etjanst up`, measures its
cases with tiny counts, prints the same-run ratios and exits 0. Its numbers are never checked,
only that every request was answered without error."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "bench").glob("bench_*.py"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.stem for s in SCENARIOS])
def test_the_scenario_runs(scenario: Path, tmp_path: Path) -> None:
    numbers = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(scenario), "--smoke", "--json", str(numbers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"gateway/direct throughput: \d+\.\d %|gateway p50: \d", result.stdout)
    cases = json.loads(numbers.read_text(encoding="utf-8"))["cases"]
    assert cases
    for case in cases:
        for variant in ("direct", "gateway"):
            assert case[variant]["requests"] > 0, case["title"]
            assert case[variant]["errors"] == 0, (case["title"], case[variant]["error_kinds"])
