"""What a request read from its upstreams is freed once its answer has been sent, not before:
freeing a large answer's tree (a 2,000-record list) would otherwise delay every such answer."""

from __future__ import annotations

import weakref
from typing import Any

import pytest
from werkzeug.test import Client

from etjanst.server import RunningServer, with_builtin_upstreams
from gateway.app import create_app
from gateway.auth import mint_token
from gateway.settings import Settings
from gateway.upstreams import soap
from tests.conftest import SECRET, TENHULT


def test_the_upstream_answer_is_freed_once_the_answer_is_sent(
    settings: Settings,
    server: RunningServer,
    patients: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held: list[weakref.ref[Any]] = []

    def watched(value: object) -> None:
        held.append(weakref.ref(value))
        hold(value)

    hold = soap.hold_until_answered
    monkeypatch.setattr(soap, "hold_until_answered", watched)
    client = Client(create_app(with_builtin_upstreams(settings, server.url)))
    bearer = {"Authorization": f"Bearer {mint_token(SECRET, patients['adult-rules'])}"}
    response = client.get(f"/v1/units/{TENHULT}/ordinations", headers=bearer, buffered=False)
    assert response.status_code == 200
    assert len(held) == 1 and held[0]() is not None  # the answer is not sent yet
    response.close()
    assert held[0]() is None
