"""The national medication list mock's state: each patient's prescriptions with the dispenses
already handed out, and how they are written as FHIR R4 resources (NLLMedicationRequest,
NLLMedicationDispense). Read-only: the dataset is the state."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.ehm.nll import (
    NPL_ID_SYSTEM,
    PERSONNUMMER_SYSTEM,
    PRESCRIPTION_ID_SYSTEM,
    PROFILE,
    SAMORDNINGSNUMMER_SYSTEM,
)

PrescriptionStatus = Literal[
    "active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"
]
DispenseStatus = Literal[
    "preparation",
    "in-progress",
    "cancelled",
    "on-hold",
    "completed",
    "entered-in-error",
    "stopped",
    "declined",
    "unknown",
]


class Dispense(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9\-.]{1,64}$")
    status: DispenseStatus = "completed"
    quantity: float | None = Field(None, ge=0)
    handedOver: date | None = None


class Prescription(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9\-.]{1,64}$")
    status: PrescriptionStatus = "active"
    authoredOn: date
    name: str = Field(min_length=1)
    nplId: str | None = Field(None, pattern=r"^[0-9]{14}$")
    dosage: str | None = None
    reason: str | None = None
    prescriber: str | None = None
    validFrom: date | None = None
    validUntil: date | None = None
    repeats: int | None = Field(None, ge=0, description="numberOfRepeatsAllowed")
    quantity: float | None = Field(None, ge=0, description="the prescribed quantity in all")
    unit: str | None = None
    dispenses: list[Dispense] = []


class NllPatient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[0-9]{12}$")
    label: str | None = None
    prescriptions: list[Prescription] = []


class NllDataset(BaseModel):
    """The national medication list mock's data: prescriptions (and dispenses) per patient."""

    model_config = ConfigDict(extra="forbid")
    patients: list[NllPatient] = []

    def patient(self, number: str) -> NllPatient | None:
        return next((p for p in self.patients if p.id == number), None)


def _quantity(value: float | None, unit: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"value": value, **({"unit": unit} if unit else {})}


def _medication(prescription: Prescription) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": prescription.name}
    if prescription.nplId:
        concept["coding"] = [
            {"system": NPL_ID_SYSTEM, "code": prescription.nplId, "display": prescription.name}
        ]
    return concept


def _compact(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value not in (None, [], {})}


def medication_request(patient: str, prescription: Prescription) -> dict[str, Any]:
    system = SAMORDNINGSNUMMER_SYSTEM if int(patient[6:8]) > 60 else PERSONNUMMER_SYSTEM
    return _compact(
        {
            "resourceType": "MedicationRequest",
            "id": prescription.id,
            "meta": {"profile": [PROFILE]},
            "identifier": [{"system": PRESCRIPTION_ID_SYSTEM, "value": prescription.id}],
            "status": prescription.status,
            "intent": "order",
            "subject": {"identifier": {"system": system, "value": patient}},
            "authoredOn": prescription.authoredOn.isoformat(),
            "medicationCodeableConcept": _medication(prescription),
            "requester": _compact({"display": prescription.prescriber}),
            "reasonCode": [{"text": prescription.reason}] if prescription.reason else None,
            "dosageInstruction": [{"text": prescription.dosage}] if prescription.dosage else None,
            "dispenseRequest": _compact(
                {
                    "validityPeriod": _compact(
                        {
                            "start": prescription.validFrom and prescription.validFrom.isoformat(),
                            "end": prescription.validUntil and prescription.validUntil.isoformat(),
                        }
                    ),
                    "numberOfRepeatsAllowed": prescription.repeats,
                    "quantity": _quantity(prescription.quantity, prescription.unit),
                }
            ),
        }
    )


def medication_dispense(prescription: Prescription, dispense: Dispense) -> dict[str, Any]:
    return _compact(
        {
            "resourceType": "MedicationDispense",
            "id": dispense.id,
            "status": dispense.status,
            "medicationCodeableConcept": _medication(prescription),
            "quantity": _quantity(dispense.quantity, prescription.unit),
            "whenHandedOver": dispense.handedOver and dispense.handedOver.isoformat(),
            "authorizingPrescription": [{"reference": f"MedicationRequest/{prescription.id}"}],
        }
    )


def searchset(
    base: str, patient: NllPatient | None, number: str, dispenses: bool
) -> dict[str, Any]:
    """The search answer: a searchset Bundle of the patient's MedicationRequests (matches),
    with their MedicationDispenses (includes) when asked for."""
    prescriptions = patient.prescriptions if patient else []
    entries: list[dict[str, Any]] = []
    for prescription in prescriptions:
        resource = medication_request(number, prescription)
        entries.append(
            {
                "fullUrl": f"{base}/MedicationRequest/{prescription.id}",
                "resource": resource,
                "search": {"mode": "match"},
            }
        )
    if dispenses:
        for prescription in prescriptions:
            for dispense in prescription.dispenses:
                entries.append(
                    {
                        "fullUrl": f"{base}/MedicationDispense/{dispense.id}",
                        "resource": medication_dispense(prescription, dispense),
                        "search": {"mode": "include"},
                    }
                )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(prescriptions),
        "entry": entries,
    }
