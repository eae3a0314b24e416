"""Cosmic's GetMedicationHistory v2: request building and XML -> domain records.

Contract element names appear only in this module. A record the domain cannot use (no date, no
prescription id) is skipped and logged as drift rather than failing the whole list.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from lxml import etree

from contracts.cosmic import BINDING, CORE_NS, OPERATION, RESPONDER_NS, RESPONDER_XSD, WSDL
from gateway.domain.identity import Identity
from gateway.domain.ordinations import Drug, MedicationRecord
from gateway.errors import UpstreamBusinessError, UpstreamInvalidResponse
from gateway.settings import UpstreamSettings
from gateway.upstreams.soap import RivSoapClient, UpstreamMetrics

log = logging.getLogger("etjanst.upstream")

R = f"{{{RESPONDER_NS}}}"
C = f"{{{CORE_NS}}}"
TRUE = {"true", "1"}


@dataclass(frozen=True)
class MedicationHistory:
    records: list[MedicationRecord]
    result_code: str  # OK or INFO
    message: str | None


class CosmicClient:
    name = "cosmic"

    def __init__(
        self, settings: UpstreamSettings, consumer_hsa_id: str, metrics: UpstreamMetrics
    ) -> None:
        self.soap = RivSoapClient(
            self.name,
            WSDL,
            BINDING,
            settings,
            consumer_hsa_id,
            RESPONDER_XSD,
            {RESPONDER_NS, CORE_NS},
            metrics,
        )

    def medication_history(
        self, patient: Identity, units: Iterable[str], start: date, end: date
    ) -> MedicationHistory:
        reply = self.soap.call(
            OPERATION,
            careUnitHSAId=sorted(units),
            patientId={"id": patient.number, "type": patient.kind.value},
            datePeriod={"start": f"{start:%Y%m%d}", "end": f"{end:%Y%m%d}"},
        )
        return parse_medication_history(reply.payload)


def parse_medication_history(payload: etree._Element) -> MedicationHistory:
    if payload.tag != f"{R}GetMedicationHistoryResponse":
        raise UpstreamInvalidResponse("cosmic", f"unexpected answer element {payload.tag}")
    result = payload.find(f"{R}result")
    outcome = _children(result)
    code = _text(outcome, "resultCode") or ""
    if code not in {"OK", "INFO", "ERROR"}:
        raise UpstreamInvalidResponse("cosmic", "the answer has no valid result/resultCode")
    message = _text(outcome, "message")
    if code == "ERROR":
        error_code = _text(outcome, "errorCode")
        raise UpstreamBusinessError("cosmic", f"{error_code or 'ERROR'}: {message or 'no message'}")
    records, skipped = [], 0
    for element in payload.iterfind(f"{R}medicationMedicalRecord"):
        record = _record(element)
        if record is None:
            skipped += 1
        else:
            records.append(record)
    if skipped:
        log.warning(
            "upstream cosmic drift: %d record(s) without a usable date or id skipped", skipped
        )
    return MedicationHistory(records=records, result_code=code, message=message)


def _children(element: etree._Element | None) -> dict[str, etree._Element]:
    """An element's children by tag. One pass per container is much cheaper than an ElementPath
    lookup per field, and this runs for every record. None of the elements read here may repeat
    in the contract; if one did, the last would count."""
    return {} if element is None else {child.tag: child for child in element}


def _text(container: dict[str, etree._Element], name: str, *deeper: str) -> str | None:
    """The text at `name`/`deeper`... (core-namespace local names), stripped; None if empty."""
    element = container.get(C + name)
    for step in deeper:
        if element is None:
            return None
        element = next(element.iterchildren(C + step), None)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _timestamp(text: str | None) -> datetime | None:
    """YYYYMMDDhhmmss; None when absent or not a real moment."""
    if text is None or len(text) != 14 or not text.isdigit():
        return None
    try:
        return datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
        )
    except ValueError:
        return None


def _record(element: etree._Element) -> MedicationRecord | None:
    record = _children(element)
    header = _children(record.get(C + "medicationMedicalRecordHeader"))
    author = _children(header.get(C + "accountableHealthcareProfessional"))
    body = _children(record.get(C + "medicationMedicalRecordBody"))
    prescription = _children(body.get(C + "medicationPrescription"))
    prescriber = _children(prescription.get(C + "prescriber"))

    authored_at = _timestamp(_text(prescriber, "authorTime") or _text(author, "authorTime"))
    prescription_id = _text(prescription, "prescriptionId", "extension") or _text(
        prescription, "prescriptionId", "root"
    )
    if authored_at is None or prescription_id is None:
        return None
    chain_root = _text(prescription, "prescriptionChainId", "root")
    chain_ext = _text(prescription, "prescriptionChainId", "extension")
    chain = f"{chain_root or ''}/{chain_ext or ''}" if (chain_root or chain_ext) else None
    unit = _text(author, "healthcareProfessionalCareUnitHSAId") or _text(
        prescriber, "healthcareProfessionalCareUnitHSAId"
    )
    return MedicationRecord(
        prescription_id=prescription_id,
        chain_id=chain,
        authored_at=authored_at,
        care_unit=unit.upper() if unit else None,
        approved_for_patient=(_text(header, "approvedForPatient") or "") in TRUE,
        nullified=(_text(header, "nullified") or "") in TRUE,
        discontinuation=_text(prescription, "typeOfPrescription") == "U",
        read_drug=partial(_drug, prescription.get(C + "drug")),
    )


def _drug(element: etree._Element | None) -> Drug:
    choice = _children(element)
    drug = _children(choice.get(C + "drug"))
    generics = _children(choice.get(C + "generics"))
    strength = _float(_text(drug, "strength"))
    strength_unit = _text(drug, "strengthUnit")
    if strength is None:
        strength = _float(_text(generics, "strength", "value"))
        strength_unit = _text(generics, "strength", "unit")
    return Drug(
        npl_name=_text(drug, "nplId", "displayName"),
        pack_name=_text(choice, "drugArticle", "nplPackId", "displayName"),
        merchandise_name=_text(choice, "merchandise", "articleNumber", "displayName"),
        unstructured=_text(choice, "unstructuredDrugInformation", "unstructuredInformation"),
        generic_substance=_text(generics, "substance"),
        npl_id=_text(drug, "nplId", "code"),
        atc_code=_text(drug, "atcCode", "code"),
        form=_text(drug, "pharmaceuticalForm") or _text(generics, "form"),
        strength=strength,
        strength_unit=strength_unit,
    )
