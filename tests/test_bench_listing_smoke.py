"""The listing benchmark runs end to end: with --smoke it starts `etjanst up`, measures with tiny
counts, prints the same-run ratio and exits 0. Its numbers are never checked."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "bench_listing.py"


def test_listing_bench_runs(tmp_path: Path) -> None:
    numbers = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke", "--json", str(numbers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"gateway/direct throughput: \d+\.\d %", result.stdout), result.stdout
    (case,) = json.loads(numbers.read_text(encoding="utf-8"))["cases"]
    for variant in ("direct", "gateway"):
        assert case[variant]["requests"] > 0
        assert case[variant]["errors"] == 0, case[variant]["error_kinds"]
