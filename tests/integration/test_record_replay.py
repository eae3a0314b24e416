"""Record and replay, as integration staff use it: the recording proxy in front of a "real"
producer (here the Cosmic mock on its own server), the gateway pointed at the proxy, nothing
personal on disk, and the recording served again by fresh mocks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.cosmic import UPSTREAM as COSMIC
from etjanst.recording import Recorder, replay
from etjanst.server import (
    RunningServer,
    mock_config,
    mocks_only_app,
    serve_in_thread,
    with_builtin_upstreams,
)
from gateway.app import create_app
from gateway.auth import mint_token
from gateway.domain.identity import parse_identity
from gateway.upstreams.settings import UpstreamSettings
from mocks.kit.store import MockStore
from tests.conftest import SECRET, TENHULT, make_settings

ETJANST = str(Path(sys.executable).with_name("etjanst"))


@pytest.fixture
def producer(tmp_path: Path) -> Iterator[RunningServer]:
    state = tmp_path / "producer"
    state.mkdir()
    settings = make_settings()
    running = serve_in_thread(lambda url: mocks_only_app(settings, state))
    yield running
    running.stop()


def ordinations(upstream_url: str, patient: str, mocks_url: str) -> list[str]:
    """The list through a gateway whose Cosmic is `upstream_url` (the others: the mocks)."""
    settings = make_settings(upstreams={"cosmic": {"url": upstream_url}})
    app = create_app(with_builtin_upstreams(settings, mocks_url))
    answer = app.test_client().get(
        f"/v1/units/{TENHULT}/ordinations",
        headers={"Authorization": f"Bearer {mint_token(SECRET, patient)}"},
    )
    assert answer.status_code == 200, answer.json
    return [o["name"] for o in answer.json["ordinations"]]


def test_record_pseudonymised_then_replay(producer: RunningServer, tmp_path: Path) -> None:
    real = "196804152384"  # adult-rules of the default dataset
    out = tmp_path / "recording"
    settings = UpstreamSettings(url=producer.url + COSMIC.mock_path)
    proxy = serve_in_thread(lambda url: Recorder(COSMIC, settings, out))
    try:
        listed = ordinations(proxy.url, real, producer.url)
    finally:
        proxy.stop()
    assert "Alvedon" in listed

    (file,) = sorted((out / "cosmic" / "GetMedicationHistory").glob("*.json"))
    everything = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.json"))
    assert real not in everything and real[:8] + "-" + real[8:] not in everything
    exchange = json.loads(file.read_text(encoding="utf-8"))
    synthetic = exchange["patient"]
    assert synthetic != real
    assert parse_identity(synthetic).birth_date == parse_identity(real).birth_date
    assert synthetic in exchange["request"]["body"] and synthetic in exchange["response"]["body"]
    assert "Alvedon" in exchange["response"]["body"]  # drug names are not personal

    state = tmp_path / "replay"
    state.mkdir()
    replaying = serve_in_thread(lambda url: mocks_only_app(make_settings(), state))
    try:
        assert replay(out, MockStore(mock_config(make_settings(), state).state_path)) == 1
        assert ordinations(replaying.url + COSMIC.mock_path, synthetic, replaying.url) == listed
    finally:
        replaying.stop()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["record", "--upstream", "cosmic", "--out", "x"], "upstreams.cosmic.url is not set"),
        (["mocks", "--replay", "/nonexistent/recording"], "no such folder"),
    ],
)
def test_record_and_replay_refuse_readably(arguments: list[str], message: str) -> None:
    result = subprocess.run(
        [ETJANST, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
