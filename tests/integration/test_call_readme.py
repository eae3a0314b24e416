"""The README's `etjanst call` examples, run as they are written (the one with `--config`
against a settings file placing the population register on a mocks server)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from contracts.population import UPSTREAM as POPULATION
from etjanst.cli import main
from etjanst.server import RunningServer
from tests.test_readme import section

SECTION = section("One upstream call")
BUILT_IN, WITH_CONFIG = re.findall(r"^```sh\n(.*?)^```", SECTION, re.MULTILINE | re.DOTALL)


def commands(block: str) -> list[list[str]]:
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("command", commands(BUILT_IN), ids=lambda c: " ".join(c[1:3]))
def test_built_in_examples(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert command[:2] == ["etjanst", "call"]
    assert main(command[1:]) == 0
    out = capsys.readouterr().out
    json.loads(out.split("the gateway's result:\n", 1)[1])


def test_config_example(
    mocks: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (command,) = commands(WITH_CONFIG)
    monkeypatch.chdir(tmp_path)
    Path(command[-1]).write_text(
        f'[upstreams.population]\nurl = "{mocks.url}{POPULATION.mock_path}"\n', encoding="utf-8"
    )
    assert main(command[1:]) == 0
    assert f"request: POST {mocks.url}{POPULATION.mock_path}/" in capsys.readouterr().out
