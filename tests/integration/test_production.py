"""Production as an operator runs it: `gunicorn 'gateway.wsgi:create()'` refuses unsafe settings
with a readable message; RS256 tokens with audience and issuer work as installed; `etjanst up`
refuses to open the mocks' admin API to the network without its credential."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from etjanst.server import RunningServer, combined_app, serve_in_thread
from gateway.settings import DEVELOPMENT_SECRET
from tests.conftest import TENHULT, TODAY, make_settings
from tests.integration.test_errors import problem
from tests.integration.test_etjanst_up import ETJANST, free_port

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
AUDIENCE, ISSUER = "etjanst-gateway", "https://idp.region.example"


def production_run(**settings: str) -> subprocess.CompletedProcess[str]:
    """gunicorn with the gateway alone and only these `ETJANST_*` settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETJANST_")}
    env["ETJANST_UPSTREAMS__COSMIC__URL"] = "http://127.0.0.1:9/cosmic"
    env.update({f"ETJANST_{name.upper()}": value for name, value in settings.items()})
    return subprocess.run(
        [GUNICORN, "-w", "1", "-b", f"127.0.0.1:{free_port()}", "gateway.wsgi:create()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_and_says_how_to_configure() -> None:
    result = production_run()
    assert result.returncode != 0
    assert "refusing to start in production" in result.stderr
    for advice in ("auth.public_key_file", "ETJANST_AUTH__AUDIENCE", "ETJANST_AUTH__ISSUER"):
        assert advice in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_a_token_set_up_without_audience_and_issuer() -> None:
    result = production_run(auth__hs256_secret="a-real-secret-of-the-region-0123456789")
    assert result.returncode != 0
    assert "auth.audience is not set" in result.stderr
    assert "development secret" not in result.stderr


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = tmp_path_factory.mktemp("keys") / "idp.pem"
    public.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


@pytest.fixture(scope="module")
def production(
    key_pair: tuple[Any, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The gateway in production mode with an RS256 key, audience and issuer (the built-in
    mocks stand in for the upstream)."""
    settings = make_settings(
        environment="production",
        auth={
            "public_key_file": key_pair[1],
            "algorithms": ["RS256"],
            "audience": AUDIENCE,
            "issuer": ISSUER,
        },
    )
    state = tmp_path_factory.mktemp("production")
    running = serve_in_thread(lambda url: combined_app(settings, url, state))
    yield running
    running.stop()


def _claims(patient: str, **changes: Any) -> dict[str, Any]:
    claims = {
        "sub": patient,
        "aud": AUDIENCE,
        "iss": ISSUER,
        "exp": datetime.now(UTC) + timedelta(minutes=10),
    }
    return {k: v for k, v in {**claims, **changes}.items() if v is not None}


def _get(server: RunningServer, token: str) -> requests.Response:
    return requests.get(
        f"{server.url}/v1/units/{TENHULT}/ordinations",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def test_rs256_with_audience_and_issuer_works_as_installed(
    production: RunningServer, key_pair: tuple[Any, Path], patients: dict[str, str]
) -> None:
    token = jwt.encode(_claims(patients["adult-rules"]), key_pair[0], algorithm="RS256")
    assert _get(production, token).status_code == 200


@pytest.mark.parametrize(
    "changes",
    [{"aud": "someone-else"}, {"aud": None}, {"iss": "https://evil.example"}, {"iss": None}],
)
def test_a_token_for_another_audience_or_issuer_is_refused(
    production: RunningServer,
    key_pair: tuple[Any, Path],
    patients: dict[str, str],
    changes: dict[str, Any],
) -> None:
    token = jwt.encode(_claims(patients["adult-rules"], **changes), key_pair[0], algorithm="RS256")
    problem(_get(production, token), 401, "UNAUTHENTICATED")


def _hs256(claims: dict[str, Any], key: bytes) -> str:
    """An HS256 token made by hand, as a forger would (PyJWT refuses a PEM key as a secret)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{header}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_the_public_key_is_no_hs256_secret(
    production: RunningServer, key_pair: tuple[Any, Path], patients: dict[str, str]
) -> None:
    """Key confusion: HS256 tokens signed with the published public key or the development
    secret are refused."""
    exp = int(datetime.now(UTC).timestamp()) + 600
    claims = _claims(patients["adult-rules"], exp=exp)
    for key in (key_pair[1].read_bytes(), DEVELOPMENT_SECRET.encode()):
        problem(_get(production, _hs256(claims, key)), 401, "UNAUTHENTICATED")


def test_up_refuses_to_open_the_admin_api_beyond_loopback_without_its_credential() -> None:
    env = {**os.environ, "ETJANST_TODAY": f"{TODAY}"}
    env.pop("ETJANST_MOCKS__ADMIN_TOKEN", None)
    result = subprocess.run(
        [ETJANST, "up", "--host", "0.0.0.0", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "etjanst up: --host 0.0.0.0 would open the mocks' admin API to the network: set "
        "mocks.admin_token (ETJANST_MOCKS__ADMIN_TOKEN, 16 characters or more) and send it as "
        "Authorization: Bearer <token>"
    ]
