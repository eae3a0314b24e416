"""Every example in the gateway's OpenAPI document is true to its schema, and a problem example
has the status of the response it illustrates (Swagger UI shows them as they are)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from contracts.gateway import examples, openapi_document

DOCUMENT = openapi_document()


ALL = list(examples(DOCUMENT))


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = DOCUMENT
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_every_api_response_has_examples() -> None:
    """Without them Swagger UI makes some up from the schema, and those need not be true."""
    for route, method, operation in operations():
        if not route.startswith("/v1/"):
            continue
        for status, response in operation["responses"].items():
            for media_type, media in resolve(response).get("content", {}).items():
                assert media.get("examples"), f"{method} {route} {status} {media_type}"


@pytest.mark.parametrize(("where", "schema", "example"), ALL, ids=[w for w, _, _ in ALL])
def test_example_validates_against_its_schema(where: str, schema: dict, example: Any) -> None:
    # the schema's references point into the document's components
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": DOCUMENT["components"]})
    errors = [error.message for error in validator.iter_errors(example)]
    assert not errors, errors


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(route, method, operation) for every operation, whatever its method."""
    for route, path in DOCUMENT["paths"].items():
        for method, operation in path.items():
            if method in ("get", "put", "post", "delete", "patch"):
                yield route, method, operation


def problem_examples() -> Iterator[tuple[str, int, dict[str, Any]]]:
    for route, method, operation in operations():
        for status, response in operation["responses"].items():
            media = resolve(response).get("content", {}).get("application/problem+json", {})
            for name, example in media.get("examples", {}).items():
                yield f"{method} {route} {status} {name}", int(status), example["value"]


PROBLEMS = list(problem_examples())


@pytest.mark.parametrize(("where", "status", "body"), PROBLEMS, ids=[w for w, _, _ in PROBLEMS])
def test_problem_example_matches_its_response(where: str, status: int, body: dict) -> None:
    assert body["status"] == status
    assert body["type"].endswith("/" + body["code"].lower().replace("_", "-"))
