"""The Cosmic mock's state: patients and their medication records, as a JSON document.

Field names follow the contract's element names so a record reads like the XML it becomes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator
from stdnum import luhn
from stdnum.exceptions import ValidationError as ChecksumError

from mocks.cosmic.scheduling_models import SchedulingDataset


class Drug(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, description="drug/drug/nplId/displayName")
    nplId: str | None = None
    atcCode: str | None = None
    atcName: str | None = None
    form: str | None = Field(None, description="pharmaceuticalForm, e.g. Tablett")
    strength: float | None = None
    strengthUnit: str | None = None
    packName: str | None = Field(None, description="drugArticle/nplPackId/displayName")
    nplPackId: str | None = None
    unstructured: str | None = Field(None, description="unstructuredDrugInformation")
    genericSubstance: str | None = None
    genericForm: str | None = None
    dosageInstruction: str | None = None
    shortNotation: str | None = None


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documentId: str
    careUnitHSAId: str
    careGiverHSAId: str = "SE2321000057-1003"
    authorTime: datetime
    approvedForPatient: bool = True
    nullified: bool = False
    prescriptionId: str
    prescriptionChainId: str | None = None
    typeOfPrescription: Literal["I", "U"] = "I"
    prescriptionStatus: Literal["Active", "Inactive"] = "Active"
    prescriberName: str | None = None
    prescriberHSAId: str | None = None
    startOfTreatment: datetime | None = None
    endOfTreatment: datetime | None = None
    drug: Drug


class Patient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[0-9]{12}$", description="personnummer or samordningsnummer")
    label: str | None = Field(None, description="what this patient is for, e.g. 'under-16'")
    records: list[Record] = []

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
    sourceSystemHSAId: str = "SE2321000057-7P8R"
    patients: list[Patient] = []
    scheduling: SchedulingDataset = Field(default_factory=SchedulingDataset)  # web booking
    # Each record's XML, rendered and validated once per dataset version (see responses.py).
    _rendered: dict[int, bytes] = PrivateAttr(default_factory=dict)

    @field_validator("patients")
    @classmethod
    def _unique_patients(cls, patients: list[Patient]) -> list[Patient]:
        if len({p.id for p in patients}) != len(patients):
            raise ValueError("each patient id may appear only once")
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
