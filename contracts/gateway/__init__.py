"""The gateway's own OpenAPI document: `openapi.yaml` (the API's shared parts: info, security,
parameters, problem responses, operations) and one fragment per e-service in `services/`
(its paths and schemas), merged into one document. A new e-service adds its own fragment."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

GATEWAY_DIR = Path(__file__).resolve().parent


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document. Raises ValueError when two parts define the same path or component,
    so a fragment can never silently replace another's."""
    document = _load(GATEWAY_DIR / "openapi.yaml")
    for fragment in sorted((GATEWAY_DIR / "services").glob("*.yaml")):
        part = _load(fragment)
        _merge(document.setdefault("paths", {}), part.get("paths", {}), fragment.name)
        for section, entries in part.get("components", {}).items():
            target = document.setdefault("components", {}).setdefault(section, {})
            _merge(target, entries, fragment.name)
    return document


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        loaded: dict[str, Any] = yaml.safe_load(stream)
    return loaded


def _merge(target: dict[str, Any], entries: dict[str, Any], source: str) -> None:
    for name, value in entries.items():
        if name in target:
            raise ValueError(f"{source} defines {name} again")
        target[name] = value


def examples(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every example: those of media types and parameters (beside
    a `schema`) and those inside schemas (`examples: [...]`)."""
    if isinstance(node, dict):
        if "schema" in node and "example" in node:
            yield where, node["schema"], node["example"]
        if "schema" in node and isinstance(node.get("examples"), dict):
            for name, example in node["examples"].items():
                yield f"{where}/examples/{name}", node["schema"], example["value"]
        if isinstance(node.get("examples"), list):
            for i, example in enumerate(node["examples"]):
                yield f"{where}/examples/{i}", node, example
        for key, value in node.items():
            yield from examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from examples(value, f"{where}/{i}")
