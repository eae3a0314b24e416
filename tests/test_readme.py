"""The README tells the truth: its test command is the one CI runs, its example answer is the one
the server gives, and its table of test patients is the default dataset."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import requests

from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under the heading that starts with `title`, up to the next heading (## or
    deeper; a single # starts a comment in the shell examples)."""
    match = re.search(
        rf"^##+ {re.escape(title)}.*?\n(.*?)(?=^##+ |\Z)", README, re.MULTILINE | re.DOTALL
    )
    assert match, f"no section {title!r} in README.md"
    return match.group(1)


def code_block(text: str, language: str) -> str:
    match = re.search(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert match, f"no {language} block"
    return match.group(1)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = code_block(README.split("Test it", 1)[1], "sh").strip()
    assert ".venv-test" in command  # not the run command's .venv: they must not disturb each other
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_try_it_answer_is_what_the_server_answers(
    base_url: str, http: requests.Session, token: Callable[..., str]
) -> None:
    text = section("Try it in one minute")
    commands = code_block(text, "sh")
    assert f"ETJANST_TODAY={TODAY.isoformat()} etjanst up" in commands
    subject = re.search(r"etjanst token (\d{12})", commands).group(1)
    path = re.search(r"localhost:8000(/v1/\S+/ordinations)", commands).group(1)
    shown = json.loads(code_block(text, "json"))
    response = http.get(
        base_url + path, headers={"Authorization": f"Bearer {token(subject)}"}, timeout=10
    )
    assert response.json() == shown


def test_test_patients_table_is_the_default_dataset(patients: dict[str, str]) -> None:
    rows = re.findall(
        r"^\| `([a-z0-9-]+)` \| `([0-9A-Z]{12})` \|", section("Test patients"), re.MULTILINE
    )
    assert dict(rows) == patients
