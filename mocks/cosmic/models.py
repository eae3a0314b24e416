"""The Cosmic mock's state: patients and their medication records, as a JSON document.

Field names follow the contract's element names so a record reads like the XML it becomes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from stdnum import luhn
from stdnum.exceptions import ValidationError as ChecksumError

from contracts.riv import PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID
from mocks.cosmic.scheduling_models import SchedulingDataset
from mocks.kit.fields import Line, Moment

# More than the 2,000-record test patient; a bound on what one answer can be asked to carry.
MAX_RECORDS_PER_PATIENT = 5_000
MAX_RECORDS = 20_000

NATIONAL_ID_TYPES = (PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID)


class Code(BaseModel):
    """A coded value (CVType): code, its code system's OID and display name together, or
    original text alone, as the contract's producer suite requires."""

    model_config = ConfigDict(extra="forbid")
    code: str | None = None
    codeSystem: str | None = Field(None, pattern=r"^[0-2](\.[0-9]+)+$")
    displayName: str | None = None
    originalText: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Code:
        coded = (self.code, self.codeSystem, self.displayName)
        if self.originalText is not None:
            if any(coded):
                raise ValueError("originalText goes alone, without code, codeSystem, displayName")
        elif not all(coded):
            raise ValueError("give code, codeSystem and displayName together, or originalText")
        return self


class Dose(BaseModel):
    """PQIntervalType: a dose of `low` to `high` (one of them at least) `unit`."""

    model_config = ConfigDict(extra="forbid")
    low: float | None = None
    high: float | None = None
    unit: str = Field(min_length=1)

    @model_validator(mode="after")
    def _bounded(self) -> Dose:
        if self.low is None and self.high is None:
            raise ValueError("a dose needs low or high")
        return self


class Identifier(BaseModel):
    """IIType: an id (extension) within an OID (root)."""

    model_config = ConfigDict(extra="forbid")
    root: str = Field(pattern=r"^[0-2](\.[0-9]+)+$")
    extension: str = Field(min_length=1)


class Reason(BaseModel):
    """principalPrescriptionReason / additionalPrescriptionReason."""

    model_config = ConfigDict(extra="forbid")
    reason: Code
    otherReason: str | None = None


class Dosage(BaseModel):
    """One dosage: free text and short notation for people, and the structured dose the contract
    requires (setDosage, or conditionalDosage when `condition` is given): a single dose or
    unstructured dosage information."""

    model_config = ConfigDict(extra="forbid")
    dosageInstruction: str | None = None
    shortNotation: str | None = None
    singleDose: Dose | None = None
    unstructuredDosage: str | None = Field(
        None, description="setDosage (or conditionalDosage)/unstructuredDosageInformation/text"
    )
    condition: str | None = Field(None, description="conditionalDosage/conditionDescription")
    lengthOfTreatmentDays: Dose | None = Field(
        None, description="lengthOfTreatment/treatmentInterval (unit e.g. d)"
    )
    isMaximumTreatmentTime: bool = False
    unitDose: Code | None = None

    @model_validator(mode="after")
    def _structured(self) -> Dosage:
        if self.singleDose is None and self.unstructuredDosage is None:
            raise ValueError("a dosage needs singleDose or unstructuredDosage")
        return self


DRUG_CHOICES = {
    "unstructuredDrugInformation": ("unstructured",),
    "merchandise": ("merchandiseName", "merchandiseArticleNumber"),
    "drugArticle": ("packName", "nplPackId"),
    "drug": ("name", "nplId", "atcCode", "atcName", "form", "strength", "strengthUnit", "route"),
    "generics": ("genericSubstance", "genericStrength", "genericStrengthUnit", "genericForm"),
}


class Drug(BaseModel):
    """The drug choice: exactly one of free text, merchandise, a pack (drugArticle), a product
    (drug) or generics, plus its dosages."""

    model_config = ConfigDict(extra="forbid")
    name: Line | None = Field(None, description="drug/drug/nplId/displayName")
    nplId: Line | None = None
    atcCode: Line | None = None
    atcName: Line | None = None
    form: Line | None = Field(None, description="pharmaceuticalForm, e.g. Tablett")
    strength: float | None = None
    strengthUnit: str | None = None
    route: Code | None = Field(None, description="drug/drug/routeOfAdministration")
    packName: str | None = Field(None, description="drugArticle/nplPackId/displayName")
    nplPackId: str | None = None
    merchandiseName: str | None = Field(None, description="merchandise/articleNumber/displayName")
    merchandiseArticleNumber: str | None = None
    unstructured: str | None = Field(None, description="unstructuredDrugInformation")
    genericSubstance: str | None = None
    genericStrength: float | None = None
    genericStrengthUnit: str | None = None
    genericForm: str | None = None
    comment: str | None = None
    dosageInstruction: str | None = Field(
        None, description="shorthand for one dosage of this free text (dosages is preferred)"
    )
    shortNotation: str | None = None
    dosages: list[Dosage] = []

    @model_validator(mode="after")
    def _one_choice(self) -> Drug:
        given = self._choices()
        if len(given) != 1:
            raise ValueError(
                "a drug is exactly one of " + ", ".join(DRUG_CHOICES) + f"; got {given or 'none'}"
            )
        for code, name, what in (
            (self.nplId, self.name, "nplId and name"),
            (self.atcCode, self.atcName, "atcCode and atcName"),
            (self.nplPackId, self.packName, "nplPackId and packName"),
            (self.merchandiseArticleNumber, self.merchandiseName, "merchandise number and name"),
            (self.genericStrength, self.genericStrengthUnit, "genericStrength and its unit"),
        ):
            if (code is None) != (name is None):
                raise ValueError(f"give {what} together")
        if given == ["drug"] and self.nplId is None and self.atcCode is None:
            raise ValueError("a drug product needs nplId or atcCode")
        return self

    def _choices(self) -> list[str]:
        return [
            choice
            for choice, fields in DRUG_CHOICES.items()
            if any(getattr(self, name) is not None for name in fields)
        ]

    @property
    def choice(self) -> str:
        """The contract element this drug is given as (one of DRUG_CHOICES)."""
        return self._choices()[0]

    def all_dosages(self) -> list[Dosage]:
        """`dosages`, or the shorthand free text as one unstructured dosage."""
        if self.dosages or not (self.dosageInstruction or self.shortNotation):
            return self.dosages
        text = self.dosageInstruction or self.shortNotation
        return [
            Dosage(
                dosageInstruction=self.dosageInstruction,
                shortNotation=self.shortNotation,
                unstructuredDosage=text,
            )
        ]


class Professional(BaseModel):
    """A healthcare professional in the body (evaluator, dispensation authorizer, administering
    professional): never a care unit or care giver, those are in the record header only."""

    model_config = ConfigDict(extra="forbid")
    time: datetime
    hsaId: str | None = None
    name: str | None = None
    orgUnitName: str | None = None


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid")
    signatureTime: datetime
    hsaId: str | None = None
    name: str | None = None


class Dispensation(BaseModel):
    """dispensationAuthorization: the prescription sent to the pharmacies (e-recept)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    validUntil: date | None = None
    receivingPharmacy: Identifier | None = None
    minimumDispensationIntervalDays: float | None = None
    totalAmount: float | None = None
    packageUnit: str | None = None
    distributionMethod: str | None = None
    authorizer: Professional
    authorizerComment: str | None = None
    firstDispensationBefore: date | None = None
    prescriptionSignatura: str = Field(min_length=1)
    nonReplaceable: Literal["Prescriber", "Patient"] | None = None
    drug: Drug | None = None

    @model_validator(mode="after")
    def _amount(self) -> Dispensation:
        if (self.totalAmount is None) != (self.packageUnit is None):
            raise ValueError("give totalAmount and packageUnit together")
        if self.drug is not None and self.drug.choice == "drug" and self.drug.nplId is None:
            raise ValueError("a dispensed drug product needs its nplId")
        return self


class Administration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    start: datetime | None = None
    end: datetime | None = None
    comment: str | None = None
    route: Code | None = None
    administeredBy: Professional
    drug: Drug | None = None

    @model_validator(mode="after")
    def _valid(self) -> Administration:
        if self.start is None and self.end is None:
            raise ValueError("an administration needs start or end")
        if self.drug is not None and any(d.dosageInstruction for d in self.drug.all_dosages()):
            raise ValueError("an administered dosage has no dosageInstruction")
        return self


class Relation(BaseModel):
    """relation (contract 2.1): information elsewhere that this record refers to."""

    model_config = ConfigDict(extra="forbid")
    code: Code
    referredId: str
    referredType: Literal["caa-ga", "chb-go"]
    informationOwner: str = Field(description="HSA id of the owner of the referred information")


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
    prescriberName: str | None = None
    prescriberHSAId: str | None = None
    prescriberOrgUnitName: str | None = None
    startOfTreatment: datetime | None = Field(
        None, description="for typeOfPrescription I, authorTime when not given"
    )
    endOfTreatment: datetime | None = None
    drug: Drug
    careContactId: str | None = None
    legalAuthenticator: Signature | None = None
    prescriptionNote: str | None = None
    principalPrescriptionReasons: list[Reason] = []
    additionalPrescriptionReasons: list[Reason] = []
    evaluationTime: datetime | None = None
    treatmentPurpose: str | None = None
    precedingPrescriptionId: str | None = None
    succeedingPrescriptionId: str | None = None
    evaluator: Professional | None = None
    startOfFirstTreatment: datetime | None = None
    endOfTreatmentReason: Code | None = None
    selfMedication: bool = Field(
        False, description="the patient's own; without a prescriber name or id, no prescriber"
    )
    dispensationAuthorization: Dispensation | None = None
    administrations: list[Administration] = []
    relations: list[Relation] = []
    dateOfBirth: date | None = Field(None, description="additionalPatientInformation")
    gender: Code | None = None

    @model_validator(mode="after")
    def _complete(self) -> Record:
        if self.typeOfPrescription == "I" and self.startOfTreatment is None:
            self.startOfTreatment = self.authorTime  # the contract requires one for type I
        return self

    @property
    def has_prescriber(self) -> bool:
        return not self.selfMedication or bool(self.prescriberName or self.prescriberHSAId)

    @cached_property
    def days(self) -> tuple[date, date | None]:
        """The interval's days, for a request's datePeriod (asked per record and request)."""
        first, last = self.interval()
        return first.date(), last.date() if last else None

    def interval(self) -> tuple[datetime, datetime | None]:
        """When the record counts for a datePeriod: from its prescription time (the prescriber's
        authorTime, else startOfTreatment, else the registration's) to endOfTreatment."""
        begins = (
            self.authorTime if self.has_prescriber else self.startOfTreatment or self.authorTime
        )
        ends = self.endOfTreatment
        if ends is not None and ends < begins:
            return ends, begins
        return begins, ends


class Patient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(
        min_length=1,
        max_length=64,
        description="personnummer or samordningsnummer (12 digits); with idType, a reserve number",
    )
    idType: str | None = Field(
        None,
        pattern=r"^[0-2](\.[0-9]+)+$",
        description="a local reserve-number OID; without it the id is a national identity number",
    )
    label: str | None = Field(None, description="what this patient is for, e.g. 'under-16'")
    records: list[Record] = []

    @model_validator(mode="after")
    def _check_digit(self) -> Patient:
        if self.idType is not None and self.idType not in NATIONAL_ID_TYPES:
            return self
        if not re.fullmatch(r"[0-9]{12}", self.id):
            raise ValueError("a personnummer or samordningsnummer has 12 digits")
        try:
            luhn.validate(self.id[2:])
        except ChecksumError as exc:
            raise ValueError("the identity number's check digit is wrong") from exc
        return self

    @property
    def id_type(self) -> str:
        if self.idType is not None:
            return self.idType
        return SAMORDNINGSNUMMER_OID if int(self.id[6:8]) > 60 else PERSONNUMMER_OID


class CosmicDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sourceSystemHSAId: str = "SE2321000057-7P8R"
    patients: list[Patient] = []
    scheduling: SchedulingDataset = Field(default_factory=SchedulingDataset)  # web booking

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

    @cached_property
    def _rendered(self) -> dict[int, bytes]:
        """Each record's XML, rendered and validated once per dataset version (responses.py).
        A plain attribute once computed: a pydantic private attribute is read through the
        model's __getattr__, several microseconds per record and request."""
        return {}

    def rendered(self, record: Record, render: Callable[[Record], bytes]) -> bytes:
        key = id(record)
        found = self._rendered.get(key)
        if found is None:
            found = self._rendered[key] = render(record)
        return found
