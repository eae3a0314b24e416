"""The pytest plugin behind `--report`: each test's outcome and time, attributed to the upstream
operations it called (seen on the wire), and the drift of every answer; written at the end of
the run as the HTML page and its JSON twin."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from contracts.privacy import mask_text
from contracts.registry import BY_NAME
from contracts.report.findings import OperationFindings
from contracts.report.render import write_report
from contracts.report.rest import read_rest_answer
from contracts.report.soap import read_soap_answer
from contracts.report.wire import Endpoints, Exchange, WireTap
from contracts.suites.target import Target, without_credentials

GATEWAY = "gateway"  # the gateway's own checks, reported beside the upstreams
OUTCOMES = ("passed", "failed", "skipped", "error")
MESSAGE_CHARS = 500


@dataclass
class TestResult:
    id: str
    outcome: str = "passed"
    seconds: float = 0.0
    message: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outcome": self.outcome,
            "seconds": round(self.seconds, 4),
            "message": self.message,
        }


@dataclass
class RunOptions:
    kind: str  # consumer or producer
    html: Path | None  # None: drift only decides the exit code (--fail-on-drift)
    fail_on_drift: bool
    suites: dict[str, str] = field(default_factory=dict)  # suite folder -> its upstream


class ReportPlugin:
    def __init__(self, target: Target, options: RunOptions) -> None:
        self.target, self.options = target, options
        self.tap = WireTap(Endpoints(target.upstreams))
        self.results: dict[str, TestResult] = {}
        self.started = datetime.now(UTC)
        self._clock = time.monotonic()

    def pytest_configure(self, config: pytest.Config) -> None:
        self.tap.start()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.tap.stop()

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.tap.current_test = nodeid

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        result = self.results.setdefault(report.nodeid, TestResult(report.nodeid))
        result.seconds += report.duration
        if report.passed:
            return
        if report.skipped:
            if result.outcome == "passed":
                result.outcome = "skipped"
                longrepr = report.longrepr
                reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
                result.message = _short(reason.removeprefix("Skipped: "))
            return
        result.outcome = "failed" if report.when == "call" else "error"
        crash = getattr(report.longrepr, "reprcrash", None)
        result.message = _short(crash.message if crash else str(report.longrepr))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        report = self.build(int(exitstatus))
        if self.options.fail_on_drift and report["driftCount"] and report["exitCode"] == 0:
            session.exitstatus = report["exitCode"] = 1
        if self.options.html is not None:
            write_report(report, self.options.html)

    def build(self, exit_code: int) -> dict[str, Any]:
        """The report, as the JSON twin has it (contracts/report/report.schema.json)."""
        upstreams = [self._upstream(name) for name in self._names()]
        return {
            "schemaVersion": 1,
            "suite": self.options.kind,
            "target": "built-in mocks" if self.target.builtin_mocks else self.target.name,
            "started": self.started.isoformat(timespec="seconds"),
            "durationSeconds": round(time.monotonic() - self._clock, 3),
            "today": self.target.today.isoformat(),
            "exitCode": exit_code,
            "failOnDrift": self.options.fail_on_drift,
            "totals": _totals(self.results.values()),
            "driftCount": sum(u["driftCount"] for u in upstreams),
            "upstreams": upstreams,
        }

    def _names(self) -> list[str]:
        names = [self._upstream_of(test) for test in self.results]
        return list(dict.fromkeys([*self.target.upstreams, *names]))

    def _upstream_of(self, test: str) -> str:
        called = {e.upstream for e in self.tap.by_test(test)}
        if len(called) == 1:
            return called.pop()
        folder = test.split("::")[0].rpartition("/")[0]
        return self.options.suites.get(folder, GATEWAY)

    def _upstream(self, name: str) -> dict[str, Any]:
        tests = [r for t, r in self.results.items() if self._upstream_of(t) == name]
        operations = []
        declared = [i.operation for i in BY_NAME[name].interactions] if name in BY_NAME else []
        exchanges = [e for e in self.tap.exchanges if e.upstream == name]
        for operation in [*declared, None]:
            answers = [e for e in exchanges if e.operation == operation]
            found = _findings(name, answers)
            called = [r for r in tests if self._calls(r.id, name, operation)]
            if called or answers:
                operations.append(_operation(operation, called, found))
        settings = self.target.upstreams.get(name)
        return {
            "name": name,
            "endpoint": without_credentials(settings.url or "") if settings else None,
            "totals": _totals(tests),
            "driftCount": sum(len(o["drift"]) for o in operations),
            "operations": operations,
        }

    def _calls(self, test: str, upstream: str, operation: str | None) -> bool:
        called = {e.operation for e in self.tap.by_test(test) if e.upstream == upstream}
        return operation in called if operation else not called


def _findings(upstream: str, answers: list[Exchange]) -> OperationFindings:
    found = OperationFindings()
    for exchange in answers:
        found.answers += 1
        if BY_NAME[upstream].protocol == "soap":
            read_soap_answer(exchange.status, exchange.body, found)
        else:
            read_rest_answer(
                exchange.operation, exchange.status, exchange.content_type, exchange.body, found
            )
    return found


def _operation(
    name: str | None, tests: list[TestResult], found: OperationFindings
) -> dict[str, Any]:
    return {
        "name": name,
        "answers": found.answers,
        "totals": _totals(tests),
        "tests": [t.as_json() for t in sorted(tests, key=lambda t: -t.seconds)],
        "drift": [d.as_json() for d in found.sorted_drift()],
        "missingOptional": found.missing_optional,
    }


def _totals(found: Iterable[TestResult]) -> dict[str, int]:
    results = list(found)
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in OUTCOMES}
    return {"tests": len(results), **counts}


def _short(text: str) -> str:
    text = mask_text(text.strip())
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + "…"
