"""The gateway, built as `etjanst up` builds it (development, a private store), as a Flask test
client. Its own documents need no upstream: the upstreams' URLs are the target's where it has
them, else a port where nothing answers (these checks call none)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from contracts.registry import UPSTREAMS
from contracts.suites.target import Target
from gateway.app import create_app
from gateway.settings import load_settings

UNUSED = "http://127.0.0.1:9"  # the discard port


@pytest.fixture(scope="session")
def gateway(target: Target) -> Iterator[FlaskClient]:
    upstreams = {
        u.name: {"url": target.upstreams[u.name].url if u.name in target.upstreams else UNUSED}
        for u in UPSTREAMS
    }
    with tempfile.TemporaryDirectory(prefix="etjanst-contracts-gateway-") as store:
        settings = load_settings(
            environment="development",
            today=target.today,
            upstreams=upstreams,
            store={"sqlite_path": Path(store) / "gateway.sqlite3"},
        )
        yield create_app(settings).test_client()
