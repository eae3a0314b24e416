"""What every contract suite shares: the target, and masking of identity numbers.

Test data for a real producer is personal data: no identity number may reach the terminal, the
JUnit XML or a log unmasked, whatever a failing assertion or a library prints. Reports are
masked here, after pytest has built them, so no test has to remember to.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import pytest

from contracts.logs import install_safe_logging
from contracts.privacy import mask_text
from contracts.suites.target import TARGET_KEY, Target, without_credentials


def pytest_configure(config: pytest.Config) -> None:
    install_safe_logging()  # the upstream wire log has whole envelopes at DEBUG


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Target:
    found = pytestconfig.stash.get(TARGET_KEY, None)
    if found is None:  # plain `pytest`, or an xdist worker (the target is not sent to workers)
        pytest.fail(
            "the contract suites need a target: run them with "
            "`etjanst contracts --target mocks|<settings file>`, in one process",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session", autouse=True)
def _describe_target(target: Target, record_testsuite_property: Callable[..., None]) -> None:
    """Say in the JUnit XML what was tested, so a report read later is self-explanatory."""
    record_testsuite_property("target", "built-in mocks" if target.builtin_mocks else target.name)
    for name, upstream in target.upstreams.items():
        record_testsuite_property(f"{name}_endpoint", without_credentials(upstream.url or ""))
    record_testsuite_property("today", target.today.isoformat())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    _mask(report)
    return report


def _mask(report: pytest.TestReport) -> None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        report.longrepr = (longrepr[0], longrepr[1], mask_text(longrepr[2]))
    elif longrepr is not None:
        text = str(longrepr)
        masked = mask_text(text)
        if masked != text:  # keep pytest's rich report unless it holds a number
            report.longrepr = masked
    report.sections = [(title, mask_text(content)) for title, content in report.sections]
    report.user_properties = [
        (name, mask_text(value) if isinstance(value, str) else value)
        for name, value in report.user_properties
    ]
