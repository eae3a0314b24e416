"""`Idempotency-Key` for POST endpoints: the same key with the same request gives the first
answer again (marked `Idempotent-Replayed: true`), whichever worker or instance answers (the
keys live in the gateway's database)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from flask import Response, request

from gateway.errors import BadRequest
from gateway.runtime import runtime

HEADER = "Idempotency-Key"
ACCEPTABLE_KEY = re.compile(r"[\x21-\x7e]{1,255}")
KEPT_HEADERS = ("Location", "Content-Type")


def idempotent(scope: str, answer: Callable[[], Response]) -> Response:
    """`scope` tells whose key it is (one caller's keys never meet another's)."""
    key = request.headers.get(HEADER)
    if key is None:
        return answer()
    if not ACCEPTABLE_KEY.fullmatch(key):
        raise BadRequest(f"{HEADER} is 1 to 255 printable ASCII characters")
    fingerprint = hashlib.sha256(
        b"\0".join([request.method.encode(), request.path.encode(), request.get_data()])
    ).hexdigest()

    computed = []

    def compute() -> tuple[int, str, dict[str, str]]:
        response = answer()
        computed.append(True)
        kept = {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers}
        return response.status_code, response.get_data(as_text=True), kept

    status, body, headers = runtime().casework.idempotency.run(
        f"{scope}\0{key}", fingerprint, compute
    )
    response = Response(body, status=status, headers=headers)
    if not computed:  # the first request's answer, given again
        response.headers["Idempotent-Replayed"] = "true"
    return response
