"""`etjanst up` as a user runs it: gunicorn with two worker processes, gateway and mocks on one
port. What the admin API sets holds for every later request, whichever worker serves it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from swagger_ui_bundle import swagger_ui_path

from etjanst.cli import parser
from gateway.auth import mint_token
from tests.conftest import ADMIN, SECRET, TENHULT

ETJANST = str(Path(sys.executable).with_name("etjanst"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment() -> dict[str, str]:
    """Today pinned, the test secret, and a gateway database of its own."""
    database = Path(tempfile.mkdtemp(prefix="etjanst-test-store-")) / "gateway.sqlite3"
    return {
        **os.environ,
        "ETJANST_TODAY": "2026-11-25",
        "ETJANST_AUTH__HS256_SECRET": SECRET,
        "ETJANST_STORE__SQLITE_PATH": str(database),
    }


@contextmanager
def serving(*arguments: str, ready: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `etjanst <arguments> --port <free>` until the block ends; yields its URL once `ready`
    answers. The server's output goes to a file, so a full pipe can never stall it. `env`:
    further environment variables."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [ETJANST, *arguments, "--port", str(port)],
            env={**environment(), **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    requests.get(f"{url}{ready}", timeout=1).raise_for_status()
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline or process.poll() is not None:
                        output.seek(0)
                        pytest.fail(f"etjanst {arguments[0]} did not start: {output.read()!r}")
                    time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def up() -> Iterator[str]:
    with serving("up", "--workers", "2", "--threads", "4", ready="/readyz") as url:
        yield url


def test_list_through_the_real_server(up: str) -> None:
    patients = {
        p["label"]: p["id"]
        for p in requests.get(f"{up}{ADMIN}/dataset", timeout=10).json()["patients"]
    }
    token = mint_token(SECRET, patients["adult-rules"])
    response = requests.get(
        f"{up}/v1/units/{TENHULT}/ordinations",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200
    assert "Alvedon" in [o["name"] for o in response.json()["ordinations"]]
    # the gateway calls the built-in mock on a loopback listener of the mocks' own
    called = requests.get(f"{up}/readyz", timeout=10).json()["upstreams"]["cosmic"][
        "GetMedicationHistory"
    ]
    assert re.fullmatch(
        r"http://127\.0\.0\.1:\d+/mocks/cosmic/GetMedicationHistory/2/rivtabp21", called
    )
    assert not called.startswith(f"{up}/")
    assert requests.get(f"{called}?wsdl", timeout=10).text.startswith("<?xml")


def test_more_gateway_requests_than_threads_all_answer() -> None:
    """One worker with two threads and twelve gateway requests at once: the mock calls they
    wait on are served by threads of their own, never queued behind the gateway requests."""
    token = mint_token(SECRET, "196804152384")  # the 'adult-rules' test patient
    with serving("up", "--workers", "1", "--threads", "2", ready="/readyz") as url:

        def ordinations(_: int) -> int:
            return requests.get(
                f"{url}/v1/units/{TENHULT}/ordinations",
                headers={"Authorization": f"Bearer {token}"},
                timeout=20,
            ).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            assert list(pool.map(ordinations, range(12))) == [200] * 12


def test_admin_state_holds_across_worker_processes(up: str) -> None:
    dataset = requests.get(f"{up}{ADMIN}/dataset", timeout=10).json()
    patient = next(p["id"] for p in dataset["patients"] if p["label"] == "adult-rules")
    auth = {"Authorization": f"Bearer {mint_token(SECRET, patient)}"}
    url = f"{up}/v1/units/{TENHULT}/ordinations"
    try:
        requests.delete(f"{up}{ADMIN}/journal", timeout=10).raise_for_status()
        fault = {"type": "soap_fault", "times": 6}
        assert requests.post(f"{up}{ADMIN}/faults", json=fault, timeout=10).status_code == 201
        # fresh connections, so gunicorn spreads them over both workers
        statuses = [requests.get(url, headers=auth, timeout=10).status_code for _ in range(10)]
        assert statuses == [502] * 6 + [200] * 4
        requests.put(f"{up}{ADMIN}/dataset", json={"patients": []}, timeout=10).raise_for_status()
        emptied = [
            requests.get(url, headers=auth, timeout=10).json()["ordinations"] for _ in range(6)
        ]
        assert emptied == [[]] * 6
        journal = requests.get(f"{up}{ADMIN}/journal", timeout=10).json()["exchanges"]
        assert len(journal) == 16
        # every worker's counts, whichever worker answers /metrics
        for _ in range(3):
            text = requests.get(f"{up}/metrics", timeout=10).text
            assert counted(text, 'status="502"') == 6
            assert counted(text, 'status="200"') >= 10
        assert patient not in str(journal)
    finally:
        requests.post(f"{up}{ADMIN}/reset", timeout=10)


def counted(metrics: str, label: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("etjanst_requests_total{")
        and 'endpoint="/v1/units/<unit>/ordinations"' in line
        and label in line
    )


def test_docs_are_served_offline(up: str) -> None:
    page = requests.get(f"{up}/docs", timeout=10)
    assert page.status_code == 200 and "swagger-ui" in page.text
    bundle = requests.get(f"{up}/docs/swagger-ui-bundle.js", timeout=10)
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    spec = requests.get(f"{up}/openapi.json", timeout=10).json()
    assert "/v1/units/{unit}/ordinations" in spec["paths"]
    # Swagger UI renders OpenAPI 3.1 from version 5 on; 4.x shows "Unable to render"
    assert spec["openapi"].startswith("3.1")
    assert int(re.search(r"swagger-ui-(\d+)\.", str(swagger_ui_path)).group(1)) >= 5


def test_token_command_prints_a_usable_token(up: str) -> None:
    dataset = requests.get(f"{up}{ADMIN}/dataset", timeout=10).json()
    patient = next(p["id"] for p in dataset["patients"] if p["label"] == "turns-16-tomorrow")
    printed = subprocess.run(
        [ETJANST, "token", patient, "--ttl", "5m"],
        env=environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    response = requests.get(
        f"{up}/v1/units/{TENHULT}/ordinations",
        headers={"Authorization": f"Bearer {printed}"},
        timeout=10,
    )
    assert response.json()["reason"] == "UNDER_16"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["token", "191212121213"], "the identity number is not a valid personnummer"),
        (["token", "191212121212", "--act-for", "2014"], "--act-for is not a valid"),
        (["token", "191212121212", "--ttl", "soon"], "a duration such as"),
        (["up", "--config", "/nonexistent/etjanst.toml"], "configuration file not found"),
    ],
)
def test_cli_refuses_bad_input_readably(arguments: list[str], message: str) -> None:
    result = subprocess.run(
        [ETJANST, *arguments], env=environment(), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "191212121213" not in result.stderr


def test_invalid_settings_are_listed(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[upstreams.cosmic]\nread_timeout_s = -1\nbogus = 1\n", encoding="utf-8")
    result = subprocess.run(
        [ETJANST, "token", "191212121212", "--config", str(config)],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "upstreams.cosmic.read_timeout_s" in result.stderr
    assert "upstreams.cosmic.bogus" in result.stderr


def test_mocks_command_serves_the_mocks_alone() -> None:
    with serving("mocks", "--workers", "1", "--threads", "2", ready="/mocks/") as url:
        index = requests.get(f"{url}/mocks/", timeout=5).json()
        assert index["mocks"]["cosmic"]["wsdl"]["GetMedicationHistory"].startswith(
            f"{url}/mocks/cosmic/"
        )
        assert requests.get(f"{url}/v1/units/{TENHULT}/ordinations", timeout=5).status_code == 404


def test_up_and_mocks_default_to_different_ports() -> None:
    assert parser().parse_args(["up"]).port == 8000
    assert parser().parse_args(["mocks"]).port == 8001


@pytest.mark.parametrize("command", ["up", "mocks"])
def test_a_port_in_use_is_one_readable_line_before_anything_starts(command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [ETJANST, command, "--port", str(port)],
            env=environment(),
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"etjanst {command}: port {port} on 127.0.0.1 is already in use "
        "(another etjanst up or mocks?); choose another with --port"
    ]
    assert result.stdout == ""
