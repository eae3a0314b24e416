"""`etjanst contracts`: run the consumer contract suites against the built-in mocks or against a
real producer named in a settings file.

The suites are the same for both targets (LocalStack's parity pattern); only the Target handed
to them differs. Errors in the target (no such file, invalid settings, no URL) are reported in one
readable line and exit 2, like the rest of the CLI; everything else is pytest's own exit code.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

import pytest

from contracts.suites.target import Target, TargetPlugin
from etjanst.server import BUILTIN_ENDPOINTS, mocks_only_app, serve_in_thread
from gateway.domain.units import RENEW_PRESCRIPTION
from gateway.settings import ConfigFileError, Settings, load_settings

SUITES_DIR = Path(__file__).resolve().parent / "suites"
PYTEST_CONFIG = SUITES_DIR / "pytest-suites.toml"
MOCKS = "mocks"


class TargetError(Exception):
    """The target cannot be tested; the message says why."""


def run_suites(target: str, junit: Path | None, pytest_args: list[str]) -> int:
    """Run every suite against `target` ("mocks" or a TOML settings file); pytest's exit code."""
    try:
        settings = _settings(None if target == MOCKS else Path(target))
        if target != MOCKS and not settings.upstreams.cosmic.url:
            raise TargetError(
                f"{target} sets no upstreams.cosmic.url: nothing to test "
                "(use --target mocks for the built-in mocks)"
            )
    except TargetError as exc:
        print(f"etjanst contracts: {exc}", file=sys.stderr)
        return 2

    args = _pytest_args(junit, pytest_args)
    if target != MOCKS:
        return _run(args, _target(target, settings))

    # A private, fresh state: the suites expect the default dataset, and must never touch the
    # state a developer's own `etjanst mocks` keeps in mocks.state_dir.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log between the tests
    with tempfile.TemporaryDirectory(prefix="etjanst-contracts-") as state:
        server = serve_in_thread(lambda url: mocks_only_app(settings, Path(state)))
        try:
            return _run(args, _target(MOCKS, settings, mocks_url=server.url))
        finally:
            server.stop()


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigFileError as exc:
        raise TargetError(str(exc)) from exc


def _target(name: str, settings: Settings, mocks_url: str | None = None) -> Target:
    cosmic = settings.upstreams.cosmic
    if mocks_url is not None:
        cosmic = cosmic.model_copy(update={"url": mocks_url + BUILTIN_ENDPOINTS["cosmic"]})
    return Target(
        name=name,
        cosmic=cosmic,
        consumer_hsa_id=settings.consumer_hsa_id,
        today=settings.today_date(),
        units=tuple(u for u, unit in settings.units.items() if RENEW_PRESCRIPTION in unit.services),
        mocks_url=mocks_url,
    )


def _pytest_args(junit: Path | None, extra: list[str]) -> list[str]:
    args = [str(SUITES_DIR), "-c", str(PYTEST_CONFIG), "--rootdir", str(SUITES_DIR)]
    args += ["-p", "no:cacheprovider"]  # the suites may be installed read-only
    if junit is not None:
        args.append(f"--junitxml={junit}")
    return args + (extra[1:] if extra[:1] == ["--"] else extra)


def _run(args: list[str], target: Target) -> int:
    where = "the built-in mocks" if target.builtin_mocks else target.name
    print(f"etjanst contracts: cosmic at {target.cosmic.url} ({where})", file=sys.stderr)
    return int(pytest.main(args, plugins=[TargetPlugin(target)]))
