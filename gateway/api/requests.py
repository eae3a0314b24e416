"""Reading a JSON request body: an object, or a 400 problem that says so."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from gateway.errors import ApiError, BadRequest

M = TypeVar("M", bound=BaseModel)


class InvalidDocument(ApiError):
    status, code, title = 422, "INVALID_DOCUMENT", "The document is not valid"


def json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object (Content-Type: application/json)")
    return body


def document(model: type[M], **fixed: Any) -> M:
    """The body as `model`; `fixed` fields come from the URL and may not differ in the body."""
    body = json_object()
    for name, value in fixed.items():
        if body.setdefault(name, value) != value:
            raise InvalidDocument(f"{name}: the body says {body[name]!r}, the URL {value!r}")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise InvalidDocument(
            "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        ) from exc
