"""Tokens over real HTTP: the expiry leeway (`auth.leeway_s`) and garbage tokens, whose problem
detail says what is wrong in plain words, never a decoder's message."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from datetime import timedelta

import pytest
import requests

from etjanst.server import combined_app, serve_in_thread
from tests.conftest import TENHULT, make_settings
from tests.integration.test_errors import problem

Token = Callable[..., str]


def _get(base_url: str, token: str | bytes) -> requests.Response:
    header = b"Bearer " + token if isinstance(token, bytes) else f"Bearer {token}"
    return requests.get(
        f"{base_url}/v1/units/{TENHULT}/ordinations",
        headers={"Authorization": header},
        timeout=10,
    )


def test_a_token_is_accepted_within_the_leeway_and_refused_beyond_it(
    base_url: str, patients: dict[str, str], token: Token
) -> None:
    patient = patients["adult-rules"]  # the session server keeps the default leeway, 30 s
    assert _get(base_url, token(patient, ttl=timedelta(seconds=-10))).status_code == 200
    beyond = _get(base_url, token(patient, ttl=timedelta(seconds=-40)))
    assert problem(beyond, 401, "UNAUTHENTICATED")["detail"] == "the token has expired"


def test_the_leeway_is_a_setting(
    patients: dict[str, str], token: Token, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = make_settings(
        auth={"hs256_secret": make_settings().auth.hs256_secret, "leeway_s": 0}
    )
    server = serve_in_thread(lambda url: combined_app(settings, url, tmp_path_factory.mktemp("s")))
    try:
        stale = token(patients["turns-16-tomorrow"], ttl=timedelta(seconds=-5))
        problem(_get(server.url, stale), 401, "UNAUTHENTICATED")
        fresh = token(patients["turns-16-tomorrow"])
        assert _get(server.url, fresh).json()["reason"] == "UNDER_16"
    finally:
        server.stop()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


HS256 = _b64(b'{"alg":"HS256","typ":"JWT"}')


@pytest.mark.parametrize(
    "garbage",
    [
        _b64(os.urandom(48)),  # random bytes, base64
        "...",
        "a.b.c",
        "åäö.ö.ö",
        "€.🔑.x".encode(),  # non-ASCII sent as raw UTF-8 bytes
        _b64(b"\xff\xfe\xfd") + ".e30.x",  # a header that is not UTF-8
        HS256 + "." + _b64(b"\xc3\x28\xa0") + ".x",  # nor the payload
        HS256 + "." + _b64(b"[1, 2]") + ".x",  # a payload that is not an object
        HS256 + ".e30",  # two segments
    ],
    ids=repr,
)
def test_garbage_tokens_are_called_malformed(base_url: str, garbage: str | bytes) -> None:
    body = problem(_get(base_url, garbage), 401, "UNAUTHENTICATED")
    assert body["detail"] == "the token is malformed"


def test_a_foreign_signature_is_named_as_such(
    base_url: str, patients: dict[str, str], token: Token
) -> None:
    header, payload, _ = token(patients["adult-rules"]).split(".")
    forged = f"{header}.{payload}.{_b64(os.urandom(32))}"
    body = problem(_get(base_url, forged), 401, "UNAUTHENTICATED")
    assert body["detail"] == "the token's signature does not verify"
