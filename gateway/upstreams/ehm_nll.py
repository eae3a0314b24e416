"""The national medication list (NLL): the FHIR MedicationRequest search, and FHIR JSON -> the
domain's prescriptions and dispenses. FHIR names appear only here.

Read tolerantly: fields and extensions the subset does not use are ignored and counted as drift
(`etjanst_upstream_drift_total`) when they are not FHIR's own; a resource without an id is
skipped and logged. An `OperationOutcome` entry of severity information or warning in the
Bundle is the agency's message to the citizen (`notice`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from contracts.ehm.nll import (
    ACCESS_HEADER,
    FHIR_JSON,
    NPL_ID_SYSTEM,
    PERSONNUMMER_SYSTEM,
    PURPOSE_HEADER,
    REVINCLUDE_DISPENSES,
    SAMORDNINGSNUMMER_SYSTEM,
    SEARCH,
    UPSTREAM,
)
from gateway.domain.identity import Identity, IdentityKind
from gateway.domain.prescriptions import Dispense, Prescription, Quantity
from gateway.errors import UpstreamInvalidResponse
from gateway.upstreams.http import UpstreamContext
from gateway.upstreams.rest import RestClient
from gateway.upstreams.settings import UpstreamSettings

PURPOSE, ACCESS = "PATIENT", "CITIZEN"  # the citizen reads their own (or their child's) list
# FHIR R4 elements of the two resources (anything else is drift; extensions are expected)
KNOWN = {
    "MedicationRequest": {
        "resourceType",
        "id",
        "meta",
        "text",
        "identifier",
        "status",
        "statusReason",
        "intent",
        "subject",
        "authoredOn",
        "medicationCodeableConcept",
        "medicationReference",
        "requester",
        "reasonCode",
        "dosageInstruction",
        "dispenseRequest",
        "extension",
        "modifierExtension",
        "category",
        "priority",
        "note",
        "substitution",
        "groupIdentifier",
        "courseOfTherapyType",
        "basedOn",
        "priorPrescription",
        "recorder",
        "encounter",
        "insurance",
        "performer",
        "performerType",
        "reasonReference",
        "contained",
        "language",
        "implicitRules",
        "reported",
        "reportedBoolean",
        "reportedReference",
        "doNotPerform",
        "supportingInformation",
        "instantiatesCanonical",
        "instantiatesUri",
        "detectedIssue",
        "eventHistory",
    },
    "MedicationDispense": {
        "resourceType",
        "id",
        "meta",
        "text",
        "identifier",
        "status",
        "statusReason",
        "medicationCodeableConcept",
        "medicationReference",
        "subject",
        "quantity",
        "daysSupply",
        "whenPrepared",
        "whenHandedOver",
        "authorizingPrescription",
        "extension",
        "modifierExtension",
        "performer",
        "location",
        "type",
        "destination",
        "receiver",
        "note",
        "dosageInstruction",
        "substitution",
        "partOf",
        "category",
        "context",
        "supportingInformation",
        "detectedIssue",
        "eventHistory",
        "contained",
        "language",
        "implicitRules",
    },
}


@dataclass(frozen=True)
class MedicationList:
    prescriptions: list[Prescription]
    dispenses: list[Dispense]
    notice: str | None


class NllClient(RestClient):
    accept = FHIR_JSON

    def __init__(self, settings: UpstreamSettings, context: UpstreamContext) -> None:
        super().__init__(UPSTREAM, settings, context)

    def medication_list(self, patient: Identity) -> MedicationList:
        system = (
            SAMORDNINGSNUMMER_SYSTEM
            if patient.kind is IdentityKind.SAMORDNINGSNUMMER
            else PERSONNUMMER_SYSTEM
        )
        document = self.request(
            SEARCH,
            query={
                "patient.identifier": f"{system}|{patient.number}",
                "_revinclude": REVINCLUDE_DISPENSES,
            },
            headers={PURPOSE_HEADER: PURPOSE, ACCESS_HEADER: ACCESS},
        )
        found = parse_bundle(document)
        self.http.drift(SEARCH, found.drift)
        return found.medication_list


@dataclass(frozen=True)
class _Parsed:
    medication_list: MedicationList
    drift: list[str]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _first_text(items: Any) -> str | None:
    return next((t for t in (_text(_dict(i).get("text")) for i in _list(items)) if t), None)


def _date(value: Any) -> date | None:
    """A FHIR date or dateTime -> its date."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _quantity(value: Any) -> Quantity | None:
    number = _dict(value).get("value")
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None
    unit = _text(_dict(value).get("unit")) or _text(_dict(value).get("code"))
    return Quantity(float(number), unit)


def _prescription(resource: dict[str, Any]) -> Prescription:
    medication = _dict(resource.get("medicationCodeableConcept"))
    codings = [_dict(c) for c in _list(medication.get("coding"))]
    npl = next((c for c in codings if c.get("system") == NPL_ID_SYSTEM), {})
    request = _dict(resource.get("dispenseRequest"))
    repeats = request.get("numberOfRepeatsAllowed")
    return Prescription(
        id=str(resource["id"]),
        status=str(resource.get("status")),
        name=_text(medication.get("text")) or _text(npl.get("display")),
        npl_id=_text(npl.get("code")),
        dosage=_first_text(resource.get("dosageInstruction")),
        purpose=_first_text(resource.get("reasonCode")),
        prescriber=_text(_dict(resource.get("requester")).get("display")),
        prescribed_on=_date(resource.get("authoredOn")),
        valid_until=_date(_dict(request.get("validityPeriod")).get("end")),
        repeats_allowed=repeats if isinstance(repeats, int) and repeats >= 0 else None,
        quantity=_quantity(request.get("quantity")),
    )


def _dispenses(resource: dict[str, Any]) -> list[Dispense]:
    references = [
        _text(_dict(r).get("reference")) or ""
        for r in _list(resource.get("authorizingPrescription"))
    ]
    return [
        Dispense(
            prescription_id=reference.rsplit("MedicationRequest/", 1)[-1],
            completed=resource.get("status") == "completed",
            quantity=_quantity(resource.get("quantity")),
        )
        for reference in references
        if "MedicationRequest/" in reference
    ]


def parse_bundle(document: Any) -> _Parsed:
    bundle = _dict(document)
    if bundle.get("resourceType") != "Bundle":
        raise UpstreamInvalidResponse(UPSTREAM.name, "the answer is not a FHIR Bundle")
    prescriptions: list[Prescription] = []
    dispenses: list[Dispense] = []
    notices: list[str] = []
    drift: list[str] = []
    for entry in _list(bundle.get("entry")):
        resource = _dict(_dict(entry).get("resource"))
        kind = resource.get("resourceType")
        if kind == "OperationOutcome":
            for issue in _list(resource.get("issue")):
                if _dict(issue).get("severity") in {"information", "warning"}:
                    text = _text(_dict(issue).get("diagnostics"))
                    if text:
                        notices.append(text)
            continue
        if kind not in KNOWN:
            drift.append(f"resource {kind}")
            continue
        unknown = sorted(set(resource) - KNOWN[kind])
        drift += [f"{kind}.{name}" for name in unknown]
        if not isinstance(resource.get("id"), str):
            drift.append(f"{kind} without an id skipped")
            continue
        if kind == "MedicationRequest":
            prescriptions.append(_prescription(resource))
        else:
            dispenses += _dispenses(resource)
    notice = " ".join(notices) or None
    return _Parsed(MedicationList(prescriptions, dispenses, notice), drift)
