"""The JSON/REST adapter: each operation a method and a path (the path from the upstream's
registry entry, Flask converters allowed), JSON in and out, errors as JSON documents (a problem
by default; a FHIR mock answers OperationOutcome instead), and the OpenAPI document that
describes the upstream served beside it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Literal

import orjson
import yaml
from flask import Blueprint, Response, jsonify, request
from pydantic import Field

from contracts.privacy import mask_text
from mocks.kit import rules
from mocks.kit.mock import ClientError, Incoming, Mock, request_body


class ErrorFault(rules.Rule):
    """An error answer in the upstream's own format (a problem, a FHIR OperationOutcome)."""

    type: Literal["error"]
    status: int = Field(ge=400, le=599)
    message: str = "Simulated error"


UNDECLARED_FIELD = "etjanstUndeclared"


class RestError(Exception):
    """A handler's refusal with an HTTP status, rendered in the mock's error format."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RestCall:
    """What a REST handler gets: the request as plain data, the mock's state and today."""

    method: str
    params: dict[str, str]  # from the path
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: Any  # the parsed JSON document, None without a body
    backend: Any = None
    today: date | None = None


@dataclass(frozen=True)
class RestOperation:
    name: str  # the upstream's interaction (its path comes from the registry)
    method: str
    handler: Callable[[RestCall], tuple[int, Any]]  # (status, JSON document)
    patient: Callable[[RestCall], str | None]  # where the request names the patient


class RestMock(Mock):
    operations: ClassVar[tuple[RestOperation, ...]]
    fault_types = (*rules.COMMON_FAULTS, ErrorFault)
    content_type: ClassVar[str] = "application/json"
    openapi: ClassVar[Path | None] = None  # the upstream's OpenAPI document (YAML)

    def error_document(self, status: int, message: str) -> Any:
        """An error in this upstream's format."""
        return {"status": status, "detail": message}

    def blueprint(self) -> Blueprint:
        rest = Blueprint(f"{self.name}_rest", __name__, url_prefix=self.upstream.mock_path)
        for operation in self.operations:
            path = self.upstream.interaction(operation.name).path
            rest.add_url_rule(
                f"/{path}", operation.name, self._view(operation), methods=[operation.method]
            )
        if self.openapi is not None:
            document = yaml.safe_load(self.openapi.read_text(encoding="utf-8"))
            rest.add_url_rule("/openapi.json", "openapi", lambda: jsonify(document))
        return rest

    def _view(self, operation: RestOperation) -> Callable[..., Response]:
        def view(**params: str) -> Response:
            return self.handle(lambda: self._read(operation, params))

        return view

    def _read(self, operation: RestOperation, params: dict[str, str]) -> Incoming:
        raw = request_body()
        try:
            body = json.loads(raw) if raw else None
        except (ValueError, RecursionError) as exc:
            raise ClientError("the body is not a JSON document") from exc
        call = RestCall(
            method=request.method,
            params=params,
            query={key: request.args.getlist(key) for key in request.args},
            headers={key.lower(): value for key, value in request.headers.items()},
            body=body,
        )
        return Incoming(operation.name, operation.patient(call), None, (operation, call))

    def invoke(self, incoming: Incoming, business: rules.Rule | None) -> Response:
        operation, call = incoming.message
        call = replace(call, backend=self.backend(), today=self.config.today_date())
        try:
            status, document = operation.handler(call)
        except RestError as exc:
            return self._error(exc.status, str(exc))
        return self._json(status, document)

    def client_error(self, message: str) -> Response:
        return self._error(400, message)

    def server_error(self, message: str) -> Response:
        return self._error(500, message)

    def protocol_fault(self, fault: rules.Rule) -> Response | None:
        if isinstance(fault, ErrorFault):
            return self._error(fault.status, fault.message)
        return None

    def with_undeclared(self, body: bytes) -> bytes:
        """A field the contract does not declare at the top and in the first record."""
        document = json.loads(body)
        records = _records(document)
        for target in (document, records[0] if records else None):
            if isinstance(target, dict):
                target[UNDECLARED_FIELD] = "added by a fault"
        return json.dumps(document, ensure_ascii=False).encode()

    def enlarged(self, body: bytes, records: int) -> bytes:
        """The answer's longest list (its records) repeated up to `records`."""
        document = json.loads(body)
        found = _records(document)
        if found:
            found.extend(found[n % len(found)] for n in range(records - len(found)))
        return json.dumps(document, ensure_ascii=False).encode()

    def malformed(self) -> Response:
        return Response(b'{"resourceType": "Bund', content_type=self.content_type)

    def _error(self, status: int, message: str) -> Response:
        return self._json(status, self.error_document(status, mask_text(message)))

    def _json(self, status: int, document: Any) -> Response:
        """Written by orjson (UTF-8, compact): the standard library's encoder cost a quarter of a
        16 KB FHIR answer's time."""
        return Response(orjson.dumps(document), status=status, content_type=self.content_type)


def _records(document: Any) -> list[Any] | None:
    """The longest non-empty list in the document, at any depth (a FHIR Bundle's `entry`)."""
    best: list[Any] | None = None
    todo = [document]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, list):
            if node and (best is None or len(node) > len(best)):
                best = node
            todo.extend(node)
    return best
