"""schemathesis over the gateway's own OpenAPI, against a live server (gateway -> mocks over
real HTTP): every check, no failures. Once with a citizen's token (the staff and administrator
operations then answer 401, which is documented), and once with a staff token over those
operations alone, on a server of its own because the administrators' calls change the catalogue."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from contracts.gateway import openapi_document
from etjanst.server import combined_app, serve_in_thread
from gateway.auth import mint_staff_token
from tests.conftest import SECRET, TENHULT, make_settings
from tests.integration.conftest import NURSE

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
# what a schema-valid request may be answered with besides success (a business refusal, 422)
CONFIG = Path(__file__).resolve().with_name("schemathesis.toml")
STAFF_OPERATIONS = "^/v1/(staff|admin)/"


def test_openapi_document_is_the_one_served(base_url: str, http) -> None:
    on_disk = openapi_document()
    assert http.get(f"{base_url}/openapi.json", timeout=10).json() == on_disk


def test_schemathesis_finds_nothing(
    base_url: str, patients: dict[str, str], token: Callable[..., str], tmp_path: Path
) -> None:
    schemathesis(base_url, token(patients["adult-rules"]), tmp_path)


@pytest.fixture(scope="module")
def staff_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    state = tmp_path_factory.mktemp("mocks")
    running = serve_in_thread(lambda url: combined_app(make_settings(), url, state))
    yield running.url
    running.stop()


def test_schemathesis_finds_nothing_in_the_staff_operations(
    staff_server_url: str, tmp_path: Path
) -> None:
    """Every role at one unit, so the operations' own answers are checked, not only the 401."""
    roles = ["staff", "local-admin", "central-admin"]
    bearer = mint_staff_token(SECRET, NURSE, [TENHULT], roles)
    schemathesis(staff_server_url, bearer, tmp_path, "--include-path-regex", STAFF_OPERATIONS)


def schemathesis(base_url: str, bearer: str, report_dir: Path, *options: str) -> None:
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "--config-file",
            str(CONFIG),
            "run",
            f"{base_url}/openapi.json",
            "--header",
            f"Authorization: Bearer {bearer}",
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--seed",
            "1",
            # one worker: with two, hypothesis' lambda inspection races in CPython 3.11's ast
            # ("AST constructor recursion depth mismatch") once several operations take path
            # and query parameters
            "--workers",
            "1",
            "--report",
            "junit",
            "--report-dir",
            str(report_dir),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=report_dir,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout or "passed" in result.stdout
