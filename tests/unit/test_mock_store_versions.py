"""What a worker keeps in memory between requests (whether a mock has stubs or faults, its
parsed dataset) is never stale: every change made through another store on the same file (as
if in another worker process) shows on the very next request."""

from __future__ import annotations

from pathlib import Path

from mocks.kit.store import MockStore


def everything(spec: dict[str, object]) -> bool:
    return True


def test_a_rule_added_elsewhere_applies_to_the_next_request(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    admin, worker = MockStore(path), MockStore(path)
    assert worker.take_rule("cosmic", "fault", everything) is None  # remembered: no rules
    admin.add_rule("cosmic", "fault", {"type": "reset"}, times=1)
    assert worker.take_rule("cosmic", "fault", everything) is not None
    assert admin.take_rule("cosmic", "fault", everything) is None  # used up, in either store


def test_rules_cleared_elsewhere_no_longer_apply(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    admin, worker = MockStore(path), MockStore(path)
    admin.add_rule("cosmic", "stub", {"body": "x"}, times=None)
    assert worker.take_rule("cosmic", "stub", everything) is not None
    admin.clear_rules("cosmic")
    assert worker.take_rule("cosmic", "stub", everything) is None


def test_a_dataset_put_elsewhere_is_the_next_one_read(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    admin, worker = MockStore(path), MockStore(path)
    assert worker.dataset("m", lambda: {"v": 1}, dict) == {"v": 1}
    admin.put_dataset("m", {"v": 2})
    assert worker.dataset("m", lambda: {"v": 1}, dict) == {"v": 2}
    admin.reset("m")
    assert worker.dataset("m", lambda: {"v": 3}, dict) == {"v": 3}  # seeded again


def test_rules_of_one_mock_do_not_hide_another_mocks_absence(tmp_path: Path) -> None:
    store = MockStore(tmp_path / "state.sqlite3")
    store.add_rule("cosmic", "fault", {"type": "reset"}, times=None)
    assert store.take_rule("frikort", "fault", everything) is None
    assert store.take_rule("cosmic", "stub", everything) is None
    assert store.take_rule("cosmic", "fault", everything) is not None
