"""Drift, per upstream operation, from every answer of a contract run: what the answers hold
that our contract does not declare (elements, JSON fields, enum and code values), fault and
error bodies whose shape is not the contract's, other breaches of the schema, and the optional
parts of the contract the target never filled in any answer.

Examples are upstream content: masked here (identity numbers) and cut short; the HTML escapes
them. Missing optional parts are not drift: a producer may rightly leave them out; they are
listed so that one that never fills something is noticed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from contracts.privacy import mask_text

EXAMPLE_CHARS = 200


class Kind(StrEnum):
    UNDECLARED = "undeclared"  # an element or JSON field the contract does not declare
    UNKNOWN_VALUE = "unknown-value"  # an enum or code value outside the contract's set
    FAULT_SHAPE = "fault-shape"  # a SOAP fault or error body not shaped as the contract says
    VIOLATION = "violation"  # anything else the schema does not allow


@dataclass
class Drift:
    kind: Kind
    path: str
    detail: str
    example: str | None
    count: int = 1

    def as_json(self) -> dict[str, object]:
        return {
            "kind": str(self.kind),
            "path": self.path,
            "detail": self.detail,
            "example": self.example,
            "count": self.count,
        }


def example_of(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    if len(text) > EXAMPLE_CHARS:
        text = text[:EXAMPLE_CHARS] + "…"
    return mask_text(text)


@dataclass
class OperationFindings:
    """What the answers to one operation showed; each kind of drift at one path once, counted."""

    answers: int = 0
    drift: dict[tuple[str, str, str], Drift] = field(default_factory=dict)
    observed: set[str] = field(default_factory=set)  # every path seen in a usable answer
    optional: set[str] = field(default_factory=set)  # optional paths under those seen

    def add(self, kind: Kind, path: str, detail: str, example: str | None = None) -> None:
        detail = mask_text(detail)
        key = (str(kind), path, detail)
        if key in self.drift:
            self.drift[key].count += 1
        else:
            self.drift[key] = Drift(kind, path, detail, example_of(example))

    def see(self, paths: Iterable[str]) -> None:
        self.observed.update(paths)

    def may_have(self, paths: Iterable[str]) -> None:
        self.optional.update(paths)

    @property
    def missing_optional(self) -> list[str]:
        return sorted(self.optional - self.observed)

    def sorted_drift(self) -> list[Drift]:
        return sorted(self.drift.values(), key=lambda d: (d.kind, d.path, d.detail))
