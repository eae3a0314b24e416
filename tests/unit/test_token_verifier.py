"""The token verifier remembers tokens that verified: a remembered token is still refused from
its exp (plus the leeway) on, a refusal is never remembered, whatever was asked before, and the
memory is bounded."""

from __future__ import annotations

import hmac
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.utils import base64url_encode

from gateway.auth import TokenVerifier
from gateway.errors import Unauthenticated
from gateway.settings import AuthSettings

SECRET = "token-verifier-test-secret-" + "x" * 20
ADULT = "199010012384"
INVALID = "the token is not valid: "


def verifier(**settings: Any) -> TokenVerifier:
    return TokenVerifier(AuthSettings(**{"hs256_secret": SECRET, **settings}))


def signed(key: Any = SECRET, algorithm: str = "HS256", **claims: Any) -> str:
    return jwt.encode(
        {"sub": ADULT, "aud": "gateway", "iss": "idp", "exp": int(time.time()) + 600, **claims},
        key,
        algorithm=algorithm,
    )


def refused(tokens: TokenVerifier, token: str) -> str:
    with pytest.raises(Unauthenticated) as refusal:
        tokens.caller(f"Bearer {token}")
    return refusal.value.detail


def test_a_remembered_token_is_refused_once_its_exp_has_passed() -> None:
    tokens = verifier(leeway_s=0)
    expires = int(time.time()) + 2
    token = signed(exp=expires)
    assert tokens.caller(f"Bearer {token}").subject.number == ADULT
    assert tokens.caller(f"Bearer {token}").subject.number == ADULT  # remembered
    while time.time() < expires:
        time.sleep(0.1)
    assert refused(tokens, token) == "the token has expired"


def test_the_leeway_keeps_a_remembered_token_exactly_as_long_as_a_new_one() -> None:
    tokens = verifier(leeway_s=30)
    token = signed(exp=int(time.time()) - 10)  # within the leeway
    assert tokens.caller(f"Bearer {token}").subject.number == ADULT
    assert tokens.caller(f"Bearer {token}").subject.number == ADULT
    assert refused(tokens, signed(exp=int(time.time()) - 40)) == "the token has expired"


TIMES = ("exp", "nbf")  # given in the cases as seconds from when the test runs


@pytest.mark.parametrize(
    ("how", "detail"),
    [
        ({"exp": -3600}, "the token has expired"),
        ({"nbf": 3600}, INVALID + "The token is not yet valid (nbf)"),
        ({"key": "another-secret-" + "y" * 30}, "the token's signature does not verify"),
        ({"aud": "someone-else"}, INVALID + "Audience doesn't match"),
        ({"iss": "another-idp"}, INVALID + "Invalid issuer"),
        ({"key": None, "algorithm": "none"}, INVALID + "The specified alg value is not allowed"),
        ({"exp": 30 * 86400}, "the token is valid for longer than 86400 s"),
    ],
    ids=["expired", "not-yet-valid", "wrong-signature", "wrong-audience", "wrong-issuer",
         "alg-none", "too-long"],
)  # fmt: skip
def test_a_refusal_is_never_remembered(how: dict[str, Any], detail: str) -> None:
    tokens = verifier(audience="gateway", issuer="idp", algorithms=["HS256"])
    good = signed()
    tokens.caller(f"Bearer {good}")
    token = signed(
        **{
            name: int(time.time()) + value if name in TIMES else value
            for name, value in how.items()
        }
    )
    for _ in range(3):
        assert refused(tokens, token) == detail
    assert tokens.caller(f"Bearer {good}").subject.number == ADULT


def test_a_remembered_tokens_claims_under_another_signature_are_refused() -> None:
    tokens = verifier()
    good = signed()
    tokens.caller(f"Bearer {good}")
    claims = good.rsplit(".", 1)[0]
    other = signed(key="another-secret-" + "y" * 30).rsplit(".", 1)[1]
    assert refused(tokens, f"{claims}.{other}") == "the token's signature does not verify"
    assert refused(tokens, f"{claims}.") == "the token's signature does not verify"


def test_a_token_signed_with_the_public_key_as_hmac_secret_is_refused(tmp_path: Path) -> None:
    """Algorithm confusion: an HS256 token whose secret is the RS256 public key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "idp.pem").write_bytes(public)
    tokens = verifier(hs256_secret=None, public_key_file=tmp_path / "idp.pem", algorithms=["RS256"])
    genuine = signed(key=private, algorithm="RS256")
    assert tokens.caller(f"Bearer {genuine}").subject.number == ADULT
    header = base64url_encode(b'{"alg":"HS256","typ":"JWT"}').decode()
    payload = genuine.split(".")[1]
    mac = hmac.new(public, f"{header}.{payload}".encode(), "sha256").digest()
    forged = f"{header}.{payload}.{base64url_encode(mac).decode()}"
    for _ in range(2):
        assert (
            refused(tokens, forged)
            == "the token is not valid: The specified alg value is not allowed"
        )
    assert tokens.caller(f"Bearer {genuine}").subject.number == ADULT


def test_the_memory_of_verified_tokens_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gateway.auth.VERIFIED_TOKENS", 8)
    tokens = verifier()
    verified = []
    decode = jwt.decode
    monkeypatch.setattr(
        "gateway.auth.jwt.decode",
        lambda token, *a, **kw: verified.append(token) or decode(token, *a, **kw),
    )
    many = [signed(n=n) for n in range(20)]
    for token in many:
        tokens.caller(f"Bearer {token}")
    assert verified == many
    for token in many[-8:]:  # the most recent are remembered
        tokens.caller(f"Bearer {token}")
    assert verified == many
    tokens.caller(f"Bearer {many[0]}")  # the first was let go, and is verified again
    assert verified == [*many, many[0]]
