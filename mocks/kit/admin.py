"""The admin API every mock has under /mocks/<name>/_admin/: reset, dataset, stubs, faults,
journal. One small handler per route; errors are application/problem+json. With
`mocks.admin_token` set, every call needs `Authorization: Bearer <token>`."""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import ValidationError

from mocks.kit import rules
from mocks.kit.admin_openapi import admin_openapi
from mocks.kit.mock import AdminRefused, AdminRoute, Mock


def problem(status: int, code: str, detail: str) -> Response:
    response = jsonify(
        type=f"urn:etjanst:mocks:problem:{code.lower()}",
        title=code.replace("_", " ").capitalize(),
        status=status,
        detail=detail,
        code=code,
    )
    response.status_code = status
    response.content_type = "application/problem+json"
    return response


def _invalid(exc: ValidationError) -> Response:
    reasons = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:10]
    )
    return problem(400, "INVALID_DOCUMENT", reasons)


def _number(text: str) -> int | float:
    """A JSON number with a fraction or exponent as JSON Schema sees it: 5.0 is an integer
    (which pydantic's strict int would refuse), and it is finite (1e400 is not a double)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return int(value) if value.is_integer() else value


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _json_body() -> tuple[Any, Response | None]:
    try:
        document = (
            json.loads(request.get_data(), parse_float=_number, parse_constant=_not_json)
            if request.is_json
            else None
        )
    except (ValueError, RecursionError):
        document = None
    if document is None:
        return None, problem(400, "INVALID_JSON", "the body must be a JSON document")
    return document, None


def _strict(validate_json: Callable[..., Any], document: Any) -> Any:
    """`document` validated in strict JSON mode, so that what is accepted is what the published
    schema says: no true for 1, "5" for 5 or 0 for a date."""
    return validate_json(json.dumps(document), strict=True)


def mock_paths(mock: Mock) -> dict[str, str]:
    """Each operation's endpoint path under /mocks/<name>/."""
    return {i.operation: i.path for i in mock.upstream.interactions}


def admin_blueprint(mock: Mock) -> Blueprint:
    admin = Blueprint(
        f"{mock.name}_admin", __name__, url_prefix=f"{mock.upstream.mock_path}/_admin"
    )
    store, name = mock.store, mock.name
    openapi_document = cache(partial(admin_openapi, mock))  # built once, on first request

    @admin.before_request
    def authorised() -> Response | None:
        expected = mock.config.admin_token
        if expected is None:
            return None
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), expected.encode()):
            return None
        response = problem(
            401, "UNAUTHORISED", "the admin API needs Authorization: Bearer <mocks.admin_token>"
        )
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @admin.get("/")
    def index() -> Response:
        """Where everything about this mock is, for people finding their way."""
        root = request.host_url.rstrip("/") + mock.upstream.mock_path
        return jsonify(
            mock=name,
            title=mock.upstream.title,
            endpoints={op: f"{root}/{path}" for op, path in mock_paths(mock).items()},
            admin={
                route: f"{root}/_admin/{route}"
                for route in (
                    "patients",
                    "dataset",
                    "stubs",
                    "faults",
                    "journal",
                    "openapi.json",
                    *sorted({extra.path for extra in mock.admin_routes()}),
                )
            },
        )

    @admin.get("/patients")
    def patients() -> Response:
        return jsonify(
            patients=[{"id": p.id, "label": p.label} for p in mock.patients(mock.dataset())]
        )

    @admin.post("/reset")
    def reset() -> Response:
        store.reset(name)
        return jsonify(reset=name)

    @admin.get("/dataset")
    def get_dataset() -> Response:
        mock.dataset()  # seeds the default on first use
        return jsonify(store.raw_dataset(name))

    @admin.put("/dataset")
    def put_dataset() -> Response:
        document, error = _json_body()
        if error:
            return error
        try:
            parsed = _strict(mock.dataset_model.model_validate_json, document)
        except ValidationError as exc:
            return _invalid(exc)
        store.put_dataset(name, parsed.model_dump(mode="json", exclude_none=True), seed=mock.seed)
        return jsonify(summary=mock.summary(parsed))

    def add(kind: str, validate_json: Callable[..., Any]) -> Response:
        document, error = _json_body()
        if error:
            return error
        try:
            rule = _strict(validate_json, document)
        except ValidationError as exc:
            return _invalid(exc)
        if rule.operation is not None and rule.operation not in mock.operation_names():
            known = ", ".join(mock.operation_names())
            return problem(400, "UNKNOWN_OPERATION", f"{rule.operation!r}: this mock has {known}")
        spec = rule.model_dump(mode="json", exclude_none=True)
        rule_id = store.add_rule(name, kind, spec, rule.times)
        response = jsonify(id=rule_id, **spec)
        response.status_code = 201
        return response

    @admin.post("/stubs")
    def add_stub() -> Response:
        return add("stub", rules.Stub.model_validate_json)

    @admin.post("/faults")
    def add_fault() -> Response:
        return add("fault", mock.faults.validate_json)

    @admin.get("/stubs")
    def list_stubs() -> Response:
        return jsonify(stubs=store.rules(name, "stub"))

    @admin.get("/faults")
    def list_faults() -> Response:
        return jsonify(faults=store.rules(name, "fault"))

    @admin.delete("/stubs")
    def clear_stubs() -> Response:
        return jsonify(removed=store.clear_rules(name, "stub"))

    @admin.delete("/faults")
    def clear_faults() -> Response:
        return jsonify(removed=store.clear_rules(name, "fault"))

    @admin.get("/journal")
    def journal() -> Response:
        raw = request.args.get("limit", default=str(mock.config.journal_size))
        limit = int(raw) if raw.isascii() and raw.isdigit() else 0  # not "1.5", "-2" or "x"
        if limit < 1:
            return problem(400, "INVALID_LIMIT", "limit is a positive integer")
        return jsonify(exchanges=store.journal(name, min(limit, mock.config.journal_size)))

    @admin.delete("/journal")
    def clear_journal() -> Response:
        store.clear_journal(name)
        return jsonify(cleared=name)

    @admin.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(openapi_document())

    for route in mock.admin_routes():
        admin.add_url_rule(
            f"/{route.path}",
            f"extra_{route.method.lower()}_{route.path}",
            _extra_view(route),
            methods=[route.method],
        )
    return admin


def _extra_view(route: AdminRoute) -> Callable[[], Response]:
    def view() -> Response:
        body = None
        if route.body is not None:
            document, error = _json_body()
            if error:
                return error
            try:
                body = _strict(route.body.model_validate_json, document)
            except ValidationError as exc:
                return _invalid(exc)
        try:
            status, answer = route.handler(body)
        except AdminRefused as exc:
            return problem(400, exc.code, str(exc))
        response = jsonify(answer)
        response.status_code = status
        return response

    return view
