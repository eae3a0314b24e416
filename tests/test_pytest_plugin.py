"""The pytest plugin that teams use for their own tests, run as a team runs it: the README's
example in a fresh directory, through pytest in a subprocess (the plugin comes in through its
entry point, not through this project's conftest)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from etjanst.testing import Mocks

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("### Testing your own client", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found, "the README's plugin section has no python example"
    return found.group(1)


def test_the_readme_example_passes_as_written(tmp_path: Path) -> None:
    (tmp_path / "test_my_client.py").write_text(readme_example(), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_client.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\b3 passed\b", result.stdout)


def test_live_mocks_answer_on_loopback(etjanst_mocks_live: Mocks) -> None:
    cosmic = etjanst_mocks_live.cosmic
    assert cosmic.url.startswith("http://127.0.0.1:")
    assert requests.get(cosmic.wsdl("GetMedicationHistory"), timeout=10).status_code == 200
    assert "adult-rules" in cosmic.patients()


def test_each_test_starts_from_the_default_dataset(etjanst_mocks: Mocks) -> None:
    cosmic = etjanst_mocks.cosmic
    cosmic.dataset({"patients": []})
    assert cosmic.patients() == {}
    etjanst_mocks.reset()
    assert "adult-rules" in cosmic.patients()


def test_a_refused_admin_call_says_why(etjanst_mocks: Mocks) -> None:
    with pytest.raises(AssertionError, match=r"HTTP 400 .*INVALID_DOCUMENT"):
        etjanst_mocks.cosmic.fault("latency", ms=-1)
    with pytest.raises(AttributeError, match="no mock nope"):
        _ = etjanst_mocks.nope
