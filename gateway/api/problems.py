"""application/problem+json (RFC 9457) with a stable `code` and the correlation id."""

from __future__ import annotations

from flask import Response, g, jsonify

PROBLEM_TYPE = "https://etjanst-gateway.example/problems/"


def problem(status: int, code: str, title: str, detail: str, **members: object) -> Response:
    """`members`: extension members of this kind of problem (RFC 9457, section 3.2)."""
    response = jsonify(
        type=PROBLEM_TYPE + code.lower().replace("_", "-"),
        title=title,
        status=status,
        detail=detail,
        code=code,
        correlationId=g.get("correlation_id"),
        **members,
    )
    response.status_code = status
    response.content_type = "application/problem+json"
    return response
