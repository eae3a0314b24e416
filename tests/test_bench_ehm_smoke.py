"""The EHM benchmark runs end to end: with --smoke it starts `etjanst up`, measures both
endpoints against their direct mock calls with tiny counts and exits 0. Numbers never checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ehm_bench_runs(tmp_path: Path) -> None:
    numbers = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_ehm.py"), "--smoke", "--json", str(numbers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    cases = json.loads(numbers.read_text(encoding="utf-8"))["cases"]
    assert len(cases) == 2
    for case in cases:
        for variant in ("direct", "gateway"):
            assert case[variant]["requests"] > 0, case["title"]
            assert case[variant]["errors"] == 0, (case["title"], case[variant]["error_kinds"])
