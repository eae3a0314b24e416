"""The Cosmic mock's state: patients and their medication records, as a JSON document.

Field names follow the contract's element names so a record reads like the XML it becomes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator
from stdnum import luhn
from stdnum.exceptions import ValidationError as ChecksumError

from mocks.kit.fields import Line, Moment, Text

# More than the 2,000-record test patient; a bound on what one answer can be asked to carry.
MAX_RECORDS_PER_PATIENT = 5_000
MAX_RECORDS = 20_000


class Drug(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Line | None = Field(None, description="drug/drug/nplId/displayName")
    nplId: Line | None = None
    atcCode: Line | None = None
    atcName: Line | None = None
    form: Line | None = Field(None, description="pharmaceuticalForm, e.g. Tablett")
    strength: float | None = None
    strengthUnit: Line | None = None
    packName: Line | None = Field(None, description="drugArticle/nplPackId/displayName")
    nplPackId: Line | None = None
    unstructured: Text | None = Field(None, description="unstructuredDrugInformation")
    genericSubstance: Line | None = None
    genericForm: Line | None = None
    dosageInstruction: Text | None = None
    shortNotation: Line | None = None


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documentId: Line
    careUnitHSAId: Line
    careGiverHSAId: Line = "SE2321000057-1003"
    authorTime: Moment
    approvedForPatient: bool = True
    nullified: bool = False
    prescriptionId: Line
    prescriptionChainId: Line | None = None
    typeOfPrescription: Literal["I", "U"] = "I"
    prescriptionStatus: Literal["Active", "Inactive"] = "Active"
    prescriberName: Line | None = None
    prescriberHSAId: Line | None = None
    startOfTreatment: Moment | None = None
    endOfTreatment: Moment | None = None
    drug: Drug


class Patient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[0-9]{12}$", description="personnummer or samordningsnummer")
    label: Line | None = Field(None, description="what this patient is for, e.g. 'under-16'")
    records: list[Record] = Field([], description=f"at most {MAX_RECORDS_PER_PATIENT}")

    @field_validator("id")
    @classmethod
    def _check_digit(cls, number: str) -> str:
        try:
            luhn.validate(number[2:])
        except ChecksumError as exc:
            raise ValueError("the identity number's check digit is wrong") from exc
        return number


class CosmicDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sourceSystemHSAId: Line = "SE2321000057-7P8R"
    patients: list[Patient] = Field([], description=f"at most {MAX_RECORDS} records in all")
    # Each record's XML, rendered and validated once per dataset version (see responses.py).
    _rendered: dict[int, bytes] = PrivateAttr(default_factory=dict)

    @field_validator("patients")
    @classmethod
    def _unique_patients(cls, patients: list[Patient]) -> list[Patient]:
        if len({p.id for p in patients}) != len(patients):
            raise ValueError("each patient id may appear only once")
        if any(len(p.records) > MAX_RECORDS_PER_PATIENT for p in patients):
            raise ValueError(f"at most {MAX_RECORDS_PER_PATIENT} records per patient")
        if sum(len(p.records) for p in patients) > MAX_RECORDS:
            raise ValueError(f"at most {MAX_RECORDS} records in all")
        return patients

    @cached_property
    def by_patient(self) -> dict[str, Patient]:
        return {p.id: p for p in self.patients}

    def rendered(self, record: Record, render: Callable[[Record], bytes]) -> bytes:
        key = id(record)
        found = self._rendered.get(key)
        if found is None:
            found = self._rendered[key] = render(record)
        return found
