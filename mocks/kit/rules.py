"""Stubs and faults as documents: the admin API's JSON bodies, validated, and typed helpers for
tests that would rather not write raw dicts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class Match(BaseModel):
    """Which requests a rule applies to; every given field must match."""

    model_config = ConfigDict(extra="forbid")
    patient: str | None = Field(None, pattern=r"^[0-9]{12}$")  # \d: any script's digits
    logicalAddress: str | None = None


class _Rule(BaseModel):
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


class Stub(_Rule):
    """A canned response served verbatim (it may be invalid on purpose)."""

    operation: str
    status: int = Field(200, ge=100, le=599)
    body: str
    contentType: str = "text/xml; charset=utf-8"


class LatencyFault(_Rule):
    type: Literal["latency"]
    ms: int = Field(ge=0, le=120_000)


class HttpStatusFault(_Rule):
    type: Literal["http_status"]
    status: int = Field(ge=400, le=599)
    body: str = ""


class SoapFaultFault(_Rule):
    type: Literal["soap_fault"]
    code: str = Field("VP009", description="RIV-TA platform code put first in the faultstring")
    message: str = "Error connecting to service producer"
    faultcode: Literal["Client", "Server"] = "Server"


class MalformedFault(_Rule):
    type: Literal["malformed"]


class ResetFault(_Rule):
    type: Literal["reset"]


class ResultFault(_Rule):
    """A business outcome instead of a technical one: the answer carries this result code."""

    type: Literal["result"]
    resultCode: Literal["INFO", "ERROR"]
    errorCode: str | None = None
    message: str = ""


Fault = Annotated[
    LatencyFault | HttpStatusFault | SoapFaultFault | MalformedFault | ResetFault | ResultFault,
    Field(discriminator="type"),
]
FAULT = TypeAdapter(Fault)


def parse_fault(document: Any) -> Fault:
    return FAULT.validate_python(document)


def parse_stub(document: Any) -> Stub:
    return Stub.model_validate(document)


class _Scope(_Rule):
    model_config = ConfigDict(extra="ignore")


def parse_rule(document: Any) -> _Rule:
    """Only the part of a stored stub or fault that says which requests it applies to."""
    return _Scope.model_validate(document)
