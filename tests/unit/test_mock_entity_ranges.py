"""A mock lists entities by a range of keys (e.g. a week of slots whose keys begin with their
start): low included, high not, in key order, documents read back as written."""

from __future__ import annotations

from pathlib import Path

from mocks.kit.store import MockStore


def test_a_range_of_keys_is_listed_in_order_without_its_end(tmp_path: Path) -> None:
    store = MockStore(tmp_path / "state.sqlite3")
    with store.transaction("booking") as tx:
        for key in ("20261124|B", "20261125", "20261125|B", "20261126|A", "20261127"):
            tx.insert("slot", key, {"key": key, "free": True, "n": [1, 2.5, None]})
        tx.insert("other", "20261125|A", {"key": "not a slot"})
    view = store.entities("booking")
    listed = view.list("slot", keys=("20261125", "20261127"))
    assert [doc["key"] for doc in listed] == ["20261125", "20261125|B", "20261126|A"]
    assert listed[0] == {"key": "20261125", "free": True, "n": [1, 2.5, None]}
    assert view.list("slot", keys=("20261128", "20261130")) == []
    assert [d["key"] for d in view.list("slot", lambda d: d["key"].endswith("B"))] == [
        "20261124|B",
        "20261125|B",
    ]
