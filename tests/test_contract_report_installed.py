"""`etjanst contracts --report` works from the installed package, not only from a checkout:
the console script from a directory outside the checkout, and a non-editable install (a wheel
built from a copy of the sources, in a venv of its own that borrows this one's dependencies),
so the suites, schemas and the report's template must be package data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import jsonschema_rs

from contracts.report.render import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUICK = ("--upstream", "gateway", "--upstream", "frikort")  # every kind of package data
TIMEOUT = 600  # a wheel build on a busy machine


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment |= {"ETJANST_TODAY": "2026-11-25", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=environment, timeout=TIMEOUT
    )


def assert_report(
    result: subprocess.CompletedProcess[str], html: Path, schema_file: Path = SCHEMA
) -> None:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert jsonschema_rs.Draft202012Validator(schema).is_valid(report)
    assert [u["name"] for u in report["upstreams"]] == ["frikort", "gateway"]
    assert report["totals"]["passed"] == report["totals"]["tests"] > 5
    assert "<h1>Contract run" in html.read_text(encoding="utf-8")


def test_the_console_script_from_outside_the_checkout(tmp_path: Path) -> None:
    html = tmp_path / "reports" / "contracts.html"
    result = run([str(BIN / "etjanst"), "contracts", *QUICK, "--report", str(html)], tmp_path)
    assert_report(result, html)


def test_a_non_editable_install(tmp_path: Path) -> None:
    sources = tmp_path / "sources"  # a build writes build/ and *.egg-info beside the sources
    shutil.copytree(
        ROOT, sources, ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__")
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], ROOT)
    # this venv's packages, behind the new venv's own (its .pth files, the editable install's
    # among them, are not read: only the directory is added)
    Path(site.stdout.strip(), "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    installed = run([*install, "--no-deps", str(sources)], tmp_path)
    assert installed.returncode == 0, installed.stderr[-3000:]
    # the installed copy is the one imported, and it ships the report's JSON Schema
    where = run(
        [str(python), "-c", "from contracts.report import render; print(render.SCHEMA)"], tmp_path
    )
    schema = Path(where.stdout.strip())
    assert schema.is_relative_to(site.stdout.strip()), where.stdout + where.stderr
    assert schema.is_file(), "the JSON Schema is not package data"

    html = tmp_path / "contracts.html"
    result = run(
        [str(venv / "bin" / "etjanst"), "contracts", *QUICK, "--report", str(html)], tmp_path
    )
    assert_report(result, html, schema)
