"""Drift in REST answers, held against the upstream's OpenAPI document under contracts/ (found
by the operation's operationId): fields the schema does not declare (where it lists an
object's properties), values outside an enum or const, other breaches, and error bodies that are
not the documented error shape for their status."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import yaml

from contracts import CONTRACTS_DIR
from contracts.report.findings import Kind, OperationFindings

GATEWAY_OWN = CONTRACTS_DIR / "gateway"  # the gateway's API, not an upstream's


@cache
def _operations() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """(document, operation) by operationId, over every upstream OpenAPI document we have."""
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for path in sorted(CONTRACTS_DIR.rglob("*openapi*.yaml")):
        if GATEWAY_OWN in path.parents:
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in document.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = (document, operation)
    return found


def read_rest_answer(
    operation_id: str, status: int, content_type: str, body: bytes, found: OperationFindings
) -> None:
    if operation_id not in _operations():
        return  # no document of ours describes it: nothing to hold it against
    document, operation = _operations()[operation_id]
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    error = status >= 400
    if response is None:
        kind = Kind.FAULT_SHAPE if error else Kind.VIOLATION
        found.add(kind, "(status)", f"HTTP {status}: a status the contract does not document")
        return
    content = _resolve(document, response).get("content", {})
    media_type = content_type.partition(";")[0].strip().lower()
    if content and media_type not in content:
        kind = Kind.FAULT_SHAPE if error else Kind.VIOLATION
        found.add(kind, "(content type)", f"{media_type or 'none'}, not {', '.join(content)}")
    schema = (content.get(media_type) or next(iter(content.values()), {})).get("schema")
    try:
        value = json.loads(body)
    except ValueError:
        kind = Kind.FAULT_SHAPE if error else Kind.VIOLATION
        found.add(
            kind,
            "(body)",
            f"HTTP {status} with a body that is not JSON",
            body[:200].decode("utf-8", "replace"),
        )
        return
    if schema is not None:
        _Walk(document, found, error).value(value, schema, "$")


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


class _Walk:
    def __init__(self, document: dict[str, Any], found: OperationFindings, error: bool) -> None:
        self.document, self.found = document, found
        # in an error answer, a body that breaks its schema is a changed fault shape
        self.breach = Kind.FAULT_SHAPE if error else Kind.VIOLATION

    def value(self, value: Any, schema: dict[str, Any], path: str) -> None:
        schema = _resolve(self.document, schema)
        alternatives = schema.get("oneOf") or schema.get("anyOf")
        if alternatives:
            chosen = self._choose(value, alternatives)
            if chosen is None:
                self.found.add(
                    self.breach,
                    path,
                    "matches none of the contract's alternatives",
                    json.dumps(value)[:200],
                )
                return
            name, schema = chosen
            path = f"{path}<{name}>" if name else path
        self.found.see([path])
        if "const" in schema and value != schema["const"]:
            self.found.add(Kind.UNKNOWN_VALUE, path, f"not {schema['const']!r}", str(value))
        if "enum" in schema and value not in schema["enum"]:
            self.found.add(Kind.UNKNOWN_VALUE, path, f"not one of {schema['enum']}", str(value))
        if isinstance(value, dict):
            self._object(value, schema, path)
        elif isinstance(value, list) and "items" in schema:
            for item in value:
                self.value(item, schema["items"], f"{path}[]")

    def _object(self, value: dict[str, Any], schema: dict[str, Any], path: str) -> None:
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        for name in sorted(required - value.keys()):
            self.found.add(self.breach, f"{path}.{name}", "a required field is missing")
        self.found.may_have(f"{path}.{name}" for name in properties if name not in required)
        for name, item in value.items():
            if name in properties:
                self.value(item, properties[name], f"{path}.{name}")
            elif properties:  # an object the contract lists the fields of
                self.found.add(
                    Kind.UNDECLARED,
                    f"{path}.{name}",
                    "a field our contract does not declare",
                    json.dumps(item, ensure_ascii=False),
                )

    def _choose(
        self, value: Any, alternatives: list[dict[str, Any]]
    ) -> tuple[str, dict[str, Any]] | None:
        """The alternative whose const fields (FHIR's resourceType) match, else the first
        whose required fields are all there."""
        resolved = [
            (a.get("$ref", "").rpartition("/")[2], _resolve(self.document, a)) for a in alternatives
        ]
        if not isinstance(value, dict):
            return resolved[0]
        for name, schema in resolved:
            consts = {
                key: _resolve(self.document, prop)["const"]
                for key, prop in schema.get("properties", {}).items()
                if "const" in _resolve(self.document, prop)
            }
            if consts and all(value.get(key) == const for key, const in consts.items()):
                return name, schema
        for name, schema in resolved:
            if set(schema.get("required", [])) <= value.keys():
                return name, schema
        return None
