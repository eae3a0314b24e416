"""/_debug under `etjanst up` as a user runs it, started and used exactly as the README's
example says: gunicorn worker processes, each with its own runtime, and one page that shows
every request, whichever worker served it and whichever serves the page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from gateway.auth import mint_token
from tests.conftest import SECRET, TENHULT
from tests.debug_support import ADULT_RULES
from tests.integration.test_etjanst_up import environment, serving
from tests.test_readme import code_block, section

EXAMPLE = code_block(section("The debug page"), "sh")
START, USE = EXAMPLE.split("\n", 1)
SETTINGS = dict(re.findall(r"(ETJANST_[A-Z_]+)=(\S+)", START))
DEBUG_TOKEN = SETTINGS["ETJANST_DEBUG__TOKEN"]


@pytest.fixture(scope="module")
def up() -> Iterator[str]:
    assert START.endswith("etjanst up &")
    arguments = ("up", "--workers", "2", "--threads", "2")
    with serving(*arguments, ready="/readyz", env=SETTINGS) as url:
        yield url


def test_the_readme_example(up: str) -> None:
    script = USE.replace("localhost:8000", up.removeprefix("http://"))
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**environment(), "PATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "<code>try-debug-1</code>" in done.stdout
    assert "cosmic GetMedicationHistory: ok" in done.stdout


def test_every_worker_journals_into_one_page(up: str) -> None:
    auth = {"Authorization": f"Bearer {mint_token(SECRET, ADULT_RULES)}"}
    for n in range(8):  # fresh connections: gunicorn spreads them over both workers
        headers = {**auth, "X-Correlation-ID": f"worker-test-{n}"}
        response = requests.get(f"{up}/v1/units/{TENHULT}/ordinations", headers=headers, timeout=30)
        assert response.status_code == 200
    for _ in range(3):  # whichever worker serves the page
        page = requests.get(f"{up}/_debug", auth=("staff", DEBUG_TOKEN), timeout=30).text
        assert set(re.findall(r"worker-test-(\d)", page)) == {str(n) for n in range(8)}
