"""The catalogue's seed: central types and the default units' local types, from the data file in
the repository, checked by the same model the admin API uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gateway.domain.catalogue import CaseType
from gateway.store.tables import CENTRAL

SEED_FILE = Path(__file__).resolve().parent.parent / "catalogue" / "central.yaml"


def _seed(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def seed_rows(path: Path = SEED_FILE) -> list[dict[str, Any]]:
    data = _seed(path)
    rows = [_row(CENTRAL, {**t, "kind": "central"}) for t in data["types"]]
    for unit, local in data.get("local", {}).items():
        rows.extend(_row(unit.upper(), {**t, "kind": "local"}) for t in local)
    return rows


def certificate_rows(path: Path = SEED_FILE) -> list[dict[str, Any]]:
    """The default units' certificate lists, as rows of `unit_certificates`."""
    return [
        {"unit": unit.upper(), "position": position, "name": name}
        for unit, names in _seed(path).get("certificates", {}).items()
        for position, name in enumerate(names)
    ]


def _row(unit: str, document: dict[str, Any]) -> dict[str, Any]:
    case_type = CaseType.model_validate(document)
    return {"unit": unit, "id": case_type.id, "document": as_document(case_type)}


def as_document(case_type: CaseType) -> dict[str, Any]:
    return case_type.model_dump(mode="json", by_alias=True, exclude_none=True)
