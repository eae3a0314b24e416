"""Stubs and faults as documents: the admin API's JSON bodies, validated, and typed helpers for
tests that would rather not write raw dicts.

The fault types every protocol has live here; a protocol adds its own (SOAP: `soap_fault`,
`result`) in its adapter, and each mock accepts exactly the union of its protocol's types.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from mocks.kit.fields import Line


class Match(BaseModel):
    """Which requests a rule applies to; every given field must match."""

    model_config = ConfigDict(extra="forbid")
    patient: str | None = Field(None, pattern=r"^[0-9]{12}$")  # \d: any script's digits
    logicalAddress: Line | None = None


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    operation: str | None = Field(None, description="None: every operation of the mock")
    match: Match | None = None
    times: int | None = Field(None, ge=1, le=1_000_000, description="None: until removed")

    def applies_to(self, operation: str, patient: str | None, logical_address: str | None) -> bool:
        if self.operation not in (None, operation):
            return False
        if self.match is None:
            return True
        return self.match.patient in (None, patient) and (
            self.match.logicalAddress is None
            or (logical_address or "").upper() == self.match.logicalAddress.upper()
        )


class Stub(Rule):
    """A canned response served verbatim (it may be invalid on purpose)."""

    operation: str
    status: int = Field(200, ge=100, le=599)
    body: str
    contentType: Line = "text/xml; charset=utf-8"


class LatencyFault(Rule):
    type: Literal["latency"]
    ms: int = Field(ge=0, le=120_000)


class HttpStatusFault(Rule):
    type: Literal["http_status"]
    status: int = Field(ge=400, le=599)
    body: str = ""


class MalformedFault(Rule):
    """A body cut off in the middle: not parseable in the protocol's format."""

    type: Literal["malformed"]


class ResetFault(Rule):
    type: Literal["reset"]


COMMON_FAULTS: tuple[type[Rule], ...] = (LatencyFault, HttpStatusFault, MalformedFault, ResetFault)


@functools.cache
def fault_union(types: tuple[type[Rule], ...]) -> Any:
    """The discriminated union of `types` (each has a literal `type`), for validation and for
    the admin API's published schema."""
    return Annotated[functools.reduce(operator.or_, types), Field(discriminator="type")]


@functools.cache
def fault_adapter(types: tuple[type[Rule], ...]) -> TypeAdapter[Any]:
    return TypeAdapter(fault_union(types))


def parse_stub(document: Any) -> Stub:
    return Stub.model_validate(document)


class _Scope(Rule):
    model_config = ConfigDict(extra="ignore")


def parse_rule(document: Any) -> Rule:
    """Only the part of a stored stub or fault that says which requests it applies to."""
    return _Scope.model_validate(document)
