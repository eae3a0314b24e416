"""Idempotency keys for every endpoint that takes one, kept in the gateway's database so that
every worker and every instance sharing it agrees.

`run(key, fingerprint, compute)`: the first request with a key claims it and computes; a repeat
with the same fingerprint gets the stored answer (status, body, headers), waiting while the first
is still being answered; the same key with another request is refused. Only successes are kept:
after an error the key is free again, so a corrected request can reuse it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from gateway.errors import ApiError
from gateway.store.tables import idempotency_keys

Answer = tuple[int, str, dict[str, str]]


class IdempotencyKeyReused(ApiError):
    status, code, title = 422, "IDEMPOTENCY_KEY_REUSED", "The key was used for another request"


class IdempotencyKeyInUse(ApiError):
    status, code, title = 409, "IDEMPOTENCY_KEY_IN_USE", "A request with this key is in progress"


class Idempotency:
    def __init__(self, engine: Engine, wait_s: float = 30.0, poll_s: float = 0.05) -> None:
        """`wait_s`: how long a repeat waits for the first request's answer before 409."""
        self.engine, self.wait_s, self.poll_s = engine, wait_s, poll_s

    def run(self, key: str, fingerprint: str, compute: Callable[[], Answer]) -> Answer:
        digest = hashlib.sha256(key.encode()).hexdigest()
        deadline = time.monotonic() + self.wait_s
        while True:
            if self._claim(digest, fingerprint):
                return self._compute(digest, compute)
            row = self._read(digest)
            if row is not None:
                if row.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        "this Idempotency-Key was sent with a different request"
                    )
                if row.status is not None:
                    return row.status, row.body or "", dict(row.headers or {})
            if time.monotonic() > deadline:
                raise IdempotencyKeyInUse("the first request with this key is still in progress")
            time.sleep(self.poll_s)

    def _claim(self, digest: str, fingerprint: str) -> bool:
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(idempotency_keys).values(
                        key=digest, fingerprint=fingerprint, created_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            return False
        return True

    def _read(self, digest: str):  # type: ignore[no-untyped-def]
        with self.engine.connect() as connection:
            return connection.execute(
                select(idempotency_keys).where(idempotency_keys.c.key == digest)
            ).first()

    def _compute(self, digest: str, compute: Callable[[], Answer]) -> Answer:
        try:
            status, body, headers = compute()
        except BaseException:
            self._release(digest)
            raise
        if not 200 <= status < 300:
            self._release(digest)
            return status, body, headers
        with self.engine.begin() as connection:
            connection.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.key == digest)
                .values(status=status, body=body, headers=headers)
            )
        return status, body, headers

    def _release(self, digest: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(idempotency_keys).where(idempotency_keys.c.key == digest))
