"""`etjanst contracts`: run the contract suites against the built-in mocks or against a real
producer named in a settings file: the consumer suites (what the gateway relies on, the default)
or, with `--suite producer`, the producer suites (the contract owners' test suite, which every
producer must pass before it is connected to the national platform).

The suites are the same for both targets (LocalStack's parity pattern); only the Target handed
to them differs. Which suites run follows the upstream registry: every upstream with a suite,
against the mocks; against a settings file, the upstreams it gives a URL. Errors in the target
(no such file, invalid settings, nothing to test) are reported in one readable line and exit 2,
like the rest of the CLI; everything else is pytest's own exit code.

The producer suites also check the contracts the gateway itself produces (contracts/produced.py,
e.g. eoffering): against the gateway started with the built-in mocks, or against any producer of
the contract given by `producer_url`.

The runner does not start servers itself: whoever composes the gateway and the mocks (the
`etjanst` command) hands it a way to start the built-in mocks with the gateway beside them.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import pytest

from contracts.registry import BY_NAME, PRODUCED, PRODUCED_BY_NAME, UPSTREAMS
from contracts.report.render import json_twin
from contracts.suites.target import Target, TargetPlugin
from contracts.upstream import Upstream
from gateway.settings import ConfigFileError, Settings, load_settings

SUITES_DIR = Path(__file__).resolve().parent / "suites"
PYTEST_CONFIG = SUITES_DIR / "pytest-suites.toml"
MOCKS = "mocks"
SUITE_KINDS = ("consumer", "producer")
# The gateway's own checks (contracts/suites/gateway/): they run with the consumer suites,
# whatever the target, unless --upstream names upstreams and not this.
GATEWAY_SUITE = "gateway"


class RunningMocks(Protocol):
    url: str

    def stop(self) -> None: ...


StartMocks = Callable[[Settings, Path], RunningMocks]


class TargetError(Exception):
    """The target cannot be tested; the message says why."""


def suite_of(upstream: Upstream, kind: str) -> str | None:
    """The upstream's suite folder of that kind (under contracts/suites/), if it has one."""
    return upstream.producer_suite if kind == "producer" else upstream.suite


def run_suites(
    target: str,
    junit: Path | None,
    pytest_args: list[str],
    start_mocks: StartMocks,
    only: Sequence[str] = (),
    kind: str = "consumer",
    html: Path | None = None,
    data: Path | None = None,
    report: Path | None = None,
    fail_on_drift: bool = False,
    producer_url: str | None = None,
) -> int:
    """Run the suites of `kind` against `target` ("mocks" or a TOML settings file), all
    upstreams' or `only` those named; pytest's exit code. `data`: a producer suite's test data
    for a real producer; `report`: the contract report's HTML page (its JSON twin beside it);
    `producer_url`: another producer of a contract the gateway produces."""
    gateway = kind == "consumer" and (not only or GATEWAY_SUITE in only)
    upstreams_only = [name for name in only if name != GATEWAY_SUITE]
    try:
        if report is not None and json_twin(report) == report:
            raise TargetError(f"{report}: the report is an HTML page (its JSON twin goes beside)")
        settings = _settings(None if target == MOCKS else Path(target))
        produced = _produced(target, upstreams_only, kind, producer_url)
        asked = upstreams_only or not only  # not `--upstream gateway` alone
        names = _upstreams_beside(produced, target, settings, upstreams_only, kind) if asked else []
        if not names and not produced and not gateway:
            raise TargetError(f"the gateway's own checks run with the consumer suites, not {kind}")
        if data is not None and not data.is_file():
            raise TargetError(f"{data}: no such data file")
    except TargetError as exc:
        print(f"etjanst contracts: {exc}", file=sys.stderr)
        return 2
    reports = Reports(kind, junit, html, report, fail_on_drift, gateway)

    if target != MOCKS:
        found = _target(target, settings, names, data=data)
        found = replace(found, produced=dict.fromkeys(produced, str(producer_url)))
        return _run(found, reports, pytest_args)

    # A private, fresh state: the suites expect the default dataset, and must never touch the
    # state a developer's own `etjanst mocks` keeps in mocks.state_dir.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log between the tests
    with tempfile.TemporaryDirectory(prefix="etjanst-contracts-") as state:
        server = start_mocks(settings, Path(state))
        try:
            target_ = _target(MOCKS, settings, names, mocks_url=server.url)
            ours = {p: producer_url or server.url + PRODUCED_BY_NAME[p].path for p in produced}
            return _run(replace(target_, produced=ours), reports, pytest_args)
        finally:
            server.stop()


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigFileError as exc:
        raise TargetError(str(exc)) from exc


def _upstreams(target: str, settings: Settings, only: Sequence[str], kind: str) -> list[str]:
    """The upstreams this run tests, in registry order."""
    with_suites = [u.name for u in UPSTREAMS if suite_of(u, kind)]
    unknown = sorted(set(only) - set(with_suites))
    if unknown:
        raise TargetError(
            f"no {kind} suite for {', '.join(unknown)}: there are {', '.join(with_suites)}"
        )
    names = [name for name in with_suites if not only or name in only]
    if target != MOCKS:
        names = [name for name in names if settings.upstream(name).url]
        if not names:
            keys = ", ".join(f"upstreams.{name}.url" for name in with_suites)
            raise TargetError(
                f"{target} sets none of {keys}: nothing to test "
                "(use --target mocks for the built-in mocks)"
            )
    return names


def _produced(target: str, only: Sequence[str], kind: str, producer_url: str | None) -> list[str]:
    """The contracts the gateway produces that this run tests: with the producer suites, every
    one (or those named), against ours on the built-in server or another at `producer_url`."""
    if kind != "producer":
        if producer_url is not None:
            raise TargetError("--producer-url is for the producer suites (--suite producer)")
        return []
    named = [p.name for p in PRODUCED if p.name in only]
    if target != MOCKS and producer_url is None:
        if named:
            raise TargetError(f"{', '.join(named)}: --producer-url names the producer to test")
        return []
    return named if only else [p.name for p in PRODUCED]


def _upstreams_beside(
    produced: list[str], target: str, settings: Settings, only: Sequence[str], kind: str
) -> list[str]:
    """The upstreams to test besides the produced contracts (none may be left to test)."""
    rest = [name for name in only if name not in produced]
    if only and not rest:
        return []
    try:
        return _upstreams(target, settings, rest, kind)
    except TargetError:
        if produced and not only:  # a settings file without upstream URLs, a producer URL
            return []
        raise


def _target(
    name: str,
    settings: Settings,
    upstreams: list[str],
    mocks_url: str | None = None,
    data: Path | None = None,
) -> Target:
    configured = {}
    for upstream in upstreams:
        found = settings.upstream(upstream)
        if mocks_url is not None:
            found = found.model_copy(update={"url": mocks_url + BY_NAME[upstream].mock_path})
        configured[upstream] = found
    return Target(
        name=name,
        upstreams=configured,
        consumer_hsa_id=settings.consumer_hsa_id,
        today=settings.today_date(),
        services={hsa_id: frozenset(unit.services) for hsa_id, unit in settings.units.items()},
        mocks_url=mocks_url,
        producer_data=data,
    )


@dataclass(frozen=True)
class Reports:
    kind: str
    junit: Path | None
    html: Path | None  # pytest-html, one self-contained page
    report: Path | None = None  # the contract report (contracts/report/), and its JSON twin
    fail_on_drift: bool = False
    gateway: bool = False  # run the gateway's own checks too


def _run(target: Target, reports: Reports, extra: list[str]) -> int:
    where = "the built-in mocks" if target.builtin_mocks else target.name
    for upstream, settings in target.upstreams.items():
        print(
            f"etjanst contracts: {reports.kind} suite, {upstream} at {settings.url} ({where})",
            file=sys.stderr,
        )
    for name, url in target.produced.items():
        print(f"etjanst contracts: {reports.kind} suite, {name} at {url}", file=sys.stderr)
    suites: dict[str, str] = {}  # suite folder -> the first upstream or contract it tests
    for name in target.upstreams:
        suites.setdefault(str(suite_of(BY_NAME[name], reports.kind)), name)
    for name in target.produced:
        suites.setdefault(PRODUCED_BY_NAME[name].suite, name)
    folders = [*suites, GATEWAY_SUITE] if reports.gateway else list(suites)
    args = [str(SUITES_DIR / folder) for folder in folders]
    args += ["-c", str(PYTEST_CONFIG), "--rootdir", str(SUITES_DIR)]
    args += ["-p", "no:cacheprovider"]  # the suites may be installed read-only
    if reports.junit is not None:
        args.append(f"--junitxml={reports.junit}")
    if reports.html is not None:
        args += [f"--html={reports.html}", "--self-contained-html"]
    args += extra[1:] if extra[:1] == ["--"] else extra
    plugins: list[object] = []
    if reports.report is not None or reports.fail_on_drift:
        # here, not at the top: it reaches prometheus-client, which `etjanst up` must import
        # only once it has chosen multiprocess mode (the CLI imports this module first)
        from contracts.report.plugin import ReportPlugin, RunOptions

        options = RunOptions(reports.kind, reports.report, reports.fail_on_drift, suites)
        report = ReportPlugin(target, options)
        target = replace(target, observers=(report.tap.observe,))
        plugins.append(report)
    plugins.append(TargetPlugin(target))
    code = int(pytest.main(args, plugins=plugins))
    if reports.report is not None:
        print(
            f"etjanst contracts: report {reports.report} and {json_twin(reports.report)}",
            file=sys.stderr,
        )
    return code
