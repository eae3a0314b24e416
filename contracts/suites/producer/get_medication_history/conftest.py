"""How the suite runs: one pytest item per published test case, named by its id (`1.9`), so
the JUnit and HTML reports speak the suite's language; the producer and the test data from the
target."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.registry import BY_NAME
from contracts.suites.producer.get_medication_history.cases import CASES, Case, Run
from contracts.suites.producer.get_medication_history.client import Producer
from contracts.suites.producer.get_medication_history.parameters import (
    MOCKS_DATA,
    DataFileError,
    SuiteData,
    load,
)
from contracts.suites.target import Target

SUITE = "producer/get_medication_history"  # Upstream.producer_suite of the upstreams it tests


def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: Any) -> Any:
    """`test_cases` in the test module stands for every case: one item each, named by its id."""
    if name != "test_cases":
        return None
    return [
        pytest.Function.from_parent(collector, name=c.id, callobj=_runner(c))
        for c in CASES.values()
    ]


def _runner(found: Case) -> Any:
    def run_case(run: Run, record_property: Any) -> None:
        record_property("title", f"{found.id} {found.title}")
        found.run(run)

    run_case.__doc__ = f"{found.id} {found.title}"
    return run_case


@pytest.fixture(scope="session")
def upstream_name(target: Target) -> str:
    names = [name for name in target.upstreams if BY_NAME[name].producer_suite == SUITE]
    if len(names) != 1:
        pytest.fail(f"the producer suite tests one upstream at a time, not {names}", pytrace=False)
    return names[0]


@pytest.fixture(scope="session")
def suite_data(target: Target, upstream_name: str) -> SuiteData:
    path: Path | None = (
        MOCKS_DATA / f"{upstream_name}.toml" if target.builtin_mocks else target.producer_data
    )
    if path is None:
        pytest.fail(
            "a real producer needs the suite's test data: --data FILE "
            f"(see {MOCKS_DATA / (upstream_name + '.toml')} for its form)",
            pytrace=False,
        )
    try:
        return load(path)
    except DataFileError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def producer(target: Target, upstream_name: str) -> Iterator[Producer]:
    found = Producer(BY_NAME[upstream_name], target.upstream(upstream_name), target.consumer_hsa_id)
    yield found
    found.session.close()


@pytest.fixture(scope="session")
def memo() -> dict[str, Any]:
    return {}


@pytest.fixture
def run(
    request: pytest.FixtureRequest,
    target: Target,
    upstream_name: str,
    producer: Producer,
    suite_data: SuiteData,
    memo: dict[str, Any],
) -> Iterator[Run]:
    admin = target.admin_url(upstream_name) if target.builtin_mocks else None
    yield Run(producer, suite_data.for_case(request.node.name), target.today, admin, memo)
    if admin is not None:  # a fault arranged for this case must not outlive it
        producer.session.delete(f"{admin}/faults", timeout=10)
