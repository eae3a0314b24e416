"""Bearer JWTs (PyJWT): `sub` is the citizen's identity number, optional `act_for` the child a
guardian represents and optional `name` the citizen's name, `exp` required. A staff token's
`sub` is the person's HSA-id, with `roles` (staff, local-admin, central-admin) and `units` (the
unit HSA-ids they work for). HS256 with a shared secret in development; an RS256/ES256 public
key in production. Claims are taken strictly: numeric dates as JSON numbers, identity numbers
and HSA-ids as strings, and no token valid for longer than `auth.max_lifetime_s`.

A token that verified is remembered (bounded, whole token string as the key) until its `exp`
plus the leeway: its signature, audience, issuer and claims cannot change, and of its time
claims only `exp` can turn a valid token into a refused one (`nbf` and `iat` only ever become
valid, and the lifetime check only ever gets easier). Verifying costs about as much as a whole
trivial request; a token is typically used for many. Refusals are never remembered."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cachetools import TLRUCache

from gateway.domain.age import Caller
from gateway.domain.identity import InvalidIdentityNumber, parse_identity
from gateway.domain.staff import Role, StaffMember
from gateway.domain.units import normalise_unit_id
from gateway.errors import Unauthenticated
from gateway.settings import AuthSettings

VERIFIED_TOKENS = 4096  # tokens; the least recently used go first when it is full


class TokenVerifier:
    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings
        # token -> its claims, until exp + leeway (PyJWT refuses from `exp <= now - leeway`)
        self._verified: TLRUCache[str, dict[str, Any]] = TLRUCache(
            VERIFIED_TOKENS,
            ttu=lambda _token, claims, _now: int(claims["exp"]) + settings.leeway_s,
            timer=time.time,
        )
        self._lock = threading.Lock()
        if settings.public_key_file is not None:
            self.key: Any = settings.public_key_file.read_text(encoding="utf-8")
        elif settings.hs256_secret:
            self.key = settings.hs256_secret
        else:
            raise ValueError("auth needs either auth.hs256_secret or auth.public_key_file")

    def caller(self, authorization: str | None) -> Caller:
        claims = self._claims(authorization)
        try:
            subject = parse_identity(str(claims["sub"]))
            act_for = claims.get("act_for")
            child = parse_identity(str(act_for)) if act_for is not None else None
        except InvalidIdentityNumber as exc:
            raise Unauthenticated(f"the token's identity number is not valid: {exc}") from exc
        name = claims.get("name")
        return Caller(
            subject=subject, acting_for=child, name=name if isinstance(name, str) else None
        )

    def staff(self, authorization: str | None) -> StaffMember:
        claims = self._claims(authorization)
        roles, units = claims.get("roles"), claims.get("units", [])
        try:
            hsa_id = normalise_unit_id(str(claims["sub"]))
            if not isinstance(roles, list) or not isinstance(units, list) or not roles:
                raise ValueError
            return StaffMember(
                hsa_id=hsa_id,
                roles=frozenset(Role(r) for r in roles),
                units=frozenset(normalise_unit_id(str(u)) for u in units),
            )
        except ValueError as exc:  # MalformedUnitId too
            raise Unauthenticated(
                "not a staff token: sub is an HSA-id, roles a list of staff, local-admin, "
                "central-admin, units a list of unit HSA-ids"
            ) from exc

    def _claims(self, authorization: str | None) -> dict[str, Any]:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("send Authorization: Bearer <token>")
        with self._lock:
            known = self._verified.get(token)
        if known is not None:
            return known
        claims = self._verify(token)
        with self._lock:
            self._verified[token] = claims
        return claims

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=self.settings.algorithms,
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_s,
                options={"require": ["exp", "sub"], "verify_aud": bool(self.settings.audience)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("the token has expired") from exc
        except jwt.InvalidSignatureError as exc:
            raise Unauthenticated("the token's signature does not verify") from exc
        except jwt.DecodeError as exc:
            # PyJWT's own words here are about base64, JSON and byte decoding: no help to a caller
            raise Unauthenticated("the token is malformed") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"the token is not valid: {exc}") from exc
        self._check_types_and_lifetime(claims)
        found: dict[str, Any] = claims
        return found

    def _check_types_and_lifetime(self, claims: dict[str, Any]) -> None:
        """What PyJWT lets through: "exp": "9999999999" (it converts), numbers for strings,
        and lifetimes of centuries."""
        for name in ("exp", "iat", "nbf"):
            value = claims.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise Unauthenticated(f"the token's {name} claim is not a number")
        for name in ("sub", "act_for"):
            if name in claims and not isinstance(claims[name], str):
                raise Unauthenticated(f"the token's {name} claim is not a string")
        longest = self.settings.max_lifetime_s
        issued = claims.get("iat", time.time())
        if claims["exp"] - min(issued, time.time()) > longest + self.settings.leeway_s:
            raise Unauthenticated(f"the token is valid for longer than {longest} s")


def mint_token(
    secret: str,
    subject: str,
    act_for: str | None = None,
    ttl: timedelta = timedelta(hours=1),
    name: str | None = None,
) -> str:
    """A development HS256 token. Identity numbers are validated before anything is signed."""
    parse_identity(subject)
    claims: dict[str, Any] = {"sub": subject, "exp": datetime.now(UTC) + ttl}
    if act_for is not None:
        parse_identity(act_for)
        claims["act_for"] = act_for
    if name is not None:
        claims["name"] = name
    return jwt.encode(claims, secret, algorithm="HS256")


def mint_staff_token(
    secret: str,
    hsa_id: str,
    units: list[str],
    roles: list[str],
    ttl: timedelta = timedelta(hours=1),
) -> str:
    """A development HS256 token for staff or an administrator."""
    claims: dict[str, Any] = {
        "sub": normalise_unit_id(hsa_id),
        "roles": [Role(r).value for r in roles],
        "units": [normalise_unit_id(u) for u in units],
        "exp": datetime.now(UTC) + ttl,
    }
    return jwt.encode(claims, secret, algorithm="HS256")
