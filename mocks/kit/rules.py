"""Stubs and faults as documents: the admin API's JSON bodies, validated, and typed helpers for
tests that would rather not write raw dicts.

The fault types every protocol has live here; a protocol adds its own (SOAP: `soap_fault`,
`result`) in its adapter, and each mock accepts exactly the union of its protocol's types.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

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
    """Wait, then answer as usual: `ms`, or a random time between `ms` and `maxMs`."""

    type: Literal["latency"]
    ms: int = Field(ge=0, le=120_000)
    maxMs: int | None = Field(None, ge=0, le=120_000)

    @model_validator(mode="after")
    def _range(self) -> LatencyFault:
        if self.maxMs is not None and self.maxMs < self.ms:
            raise ValueError("maxMs must not be less than ms")
        return self


class HangFault(Rule):
    """No answer at all for `ms` (longer than clients wait, by default), then the connection
    is dropped."""

    type: Literal["hang"]
    ms: int = Field(60_000, ge=0, le=600_000)


class EmptyFault(Rule):
    """An answer with this status and an empty body."""

    type: Literal["empty"]
    status: int = Field(200, ge=200, le=599)


class HttpStatusFault(Rule):
    type: Literal["http_status"]
    status: int = Field(ge=400, le=599)
    body: str = ""


class MalformedFault(Rule):
    """A body cut off in the middle: not parseable in the protocol's format."""

    type: Literal["malformed"]


class ResetFault(Rule):
    type: Literal["reset"]


class TruncateFault(Rule):
    """The real answer, cut after `bytes` bytes."""

    type: Literal["truncate"]
    bytes: int = Field(ge=0, le=100_000_000)


class UndeclaredFault(Rule):
    """The real answer with elements (or JSON fields) added that the contract does not
    declare: what a newer producer version sends."""

    type: Literal["undeclared"]


class LargeFault(Rule):
    """The real answer with its repeated records repeated up to `records` (an answer without
    records stays as it is)."""

    type: Literal["large"]
    records: int = Field(ge=1, le=100_000)


# Faults that change the real answer after the handler made it.
SHAPING_FAULTS: tuple[type[Rule], ...] = (TruncateFault, UndeclaredFault, LargeFault)
COMMON_FAULTS: tuple[type[Rule], ...] = (
    LatencyFault,
    HangFault,
    HttpStatusFault,
    EmptyFault,
    MalformedFault,
    ResetFault,
    *SHAPING_FAULTS,
)


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
