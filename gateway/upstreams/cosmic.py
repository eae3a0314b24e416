"""Cosmic's GetMedicationHistory v2: request building and XML -> domain records.

Contract element names appear only in this module. A record the domain cannot use (no date, no
prescription id) is skipped and logged as drift rather than failing the whole list.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

from lxml import etree

from contracts.cosmic import (
    BINDING,
    CORE_NS,
    EXTENSION_NS,
    OPERATION,
    RESPONDER_NS,
    RESPONDER_XSD,
    UPSTREAM,
    WSDL,
)
from gateway.domain.identity import Identity
from gateway.domain.ordinations import Drug, MedicationRecord
from gateway.errors import UpstreamBusinessError, UpstreamInvalidResponse
from gateway.upstreams.cosmic_scheduling import CONTRACTS as SCHEDULING
from gateway.upstreams.cosmic_scheduling import CosmicScheduling
from gateway.upstreams.http import UpstreamContext
from gateway.upstreams.riv_xml import Elements, Paths, Subtree, boolean, number, timestamp
from gateway.upstreams.settings import UpstreamSettings
from gateway.upstreams.soap import RivSoapClient, SoapContract

log = logging.getLogger("etjanst.upstream")

R = f"{{{RESPONDER_NS}}}"
CORE = Elements(CORE_NS)


@dataclass(frozen=True)
class MedicationHistory:
    records: list[MedicationRecord]
    result_code: str  # OK or INFO
    message: str | None


CONTRACT = SoapContract(
    WSDL, BINDING, RESPONDER_XSD, frozenset({RESPONDER_NS, CORE_NS, EXTENSION_NS})
)


class CosmicClient(CosmicScheduling, RivSoapClient):
    def __init__(self, settings: UpstreamSettings, context: UpstreamContext) -> None:
        super().__init__(UPSTREAM, settings, context, {OPERATION: CONTRACT, **SCHEDULING})

    def medication_history(
        self, patient: Identity, units: Iterable[str], start: date, end: date
    ) -> MedicationHistory:
        reply = self.send_payload(OPERATION, medication_history_request(patient, units, start, end))
        return parse_medication_history(reply.payload)


def medication_history_request(
    patient: Identity, units: Iterable[str], start: date, end: date
) -> etree._Element:
    """The GetMedicationHistory element, built with lxml: what zeep renders from the WSDL for
    these arguments (tests compare the two), at a fraction of the cost on every list."""
    request = etree.Element(f"{R}{OPERATION}", nsmap={"ns0": RESPONDER_NS, "ns1": CORE_NS})
    for unit in sorted(units):
        etree.SubElement(request, f"{R}careUnitHSAId").text = unit
    person = etree.SubElement(request, f"{R}patientId")
    etree.SubElement(person, f"{CORE.prefix}id").text = patient.number
    etree.SubElement(person, f"{CORE.prefix}type").text = patient.kind.value
    period = etree.SubElement(request, f"{R}datePeriod")
    etree.SubElement(period, f"{CORE.prefix}start").text = f"{start:%Y%m%d}"
    etree.SubElement(period, f"{CORE.prefix}end").text = f"{end:%Y%m%d}"
    return request


def parse_medication_history(payload: etree._Element) -> MedicationHistory:
    if payload.tag != f"{R}GetMedicationHistoryResponse":
        raise UpstreamInvalidResponse("cosmic", f"unexpected answer element {payload.tag}")
    result = payload.find(f"{R}result")
    outcome = CORE.children(result)
    code = CORE.text(outcome, "resultCode") or ""
    if code not in {"OK", "INFO", "ERROR"}:
        raise UpstreamInvalidResponse("cosmic", "the answer has no valid result/resultCode")
    message = CORE.text(outcome, "message")
    if code == "ERROR":
        error_code = CORE.text(outcome, "errorCode")
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


RECORD = Paths(
    CORE_NS,
    {
        "medicationMedicalRecordHeader": {
            "accountableHealthcareProfessional": {
                "authorTime": "header_time",
                # The care unit is the record header's: the contract forbids it in prescriber.
                "healthcareProfessionalCareUnitHSAId": "unit",
            },
            "approvedForPatient": "approved",
            "nullified": "nullified",
        },
        "medicationMedicalRecordBody": {
            "medicationPrescription": {
                "prescriptionId": {"root": "id_root", "extension": "id"},
                "typeOfPrescription": "type",
                "prescriptionChainId": {"root": "chain_root", "extension": "chain"},
                "prescriber": {"authorTime": "time"},
                "drug": Subtree("drug"),  # read only for the records that are listed
            }
        },
    },
)
DRUG = Paths(
    CORE_NS,
    {
        "drug": {
            "nplId": {"displayName": "npl_name", "code": "npl_id"},
            "atcCode": {"code": "atc_code"},
            "pharmaceuticalForm": "form",
            "strength": "strength",
            "strengthUnit": "strength_unit",
        },
        "generics": {
            "substance": "substance",
            "form": "generic_form",
            "strength": {"value": "generic_strength", "unit": "generic_strength_unit"},
        },
        "drugArticle": {"nplPackId": {"displayName": "pack_name"}},
        "merchandise": {"articleNumber": {"displayName": "merchandise_name"}},
        "unstructuredDrugInformation": {"unstructuredInformation": "unstructured"},
    },
)


def _record(element: etree._Element) -> MedicationRecord | None:
    get = RECORD.read(element).get
    authored_at = timestamp(get("time") or get("header_time"))
    prescription_id = get("id") or get("id_root")
    if authored_at is None or prescription_id is None:
        return None
    chain_root, chain_ext = get("chain_root"), get("chain")
    unit = get("unit")
    return MedicationRecord(
        prescription_id=prescription_id,
        chain_id=f"{chain_root or ''}/{chain_ext or ''}" if (chain_root or chain_ext) else None,
        authored_at=authored_at,
        care_unit=unit.upper() if unit else None,
        approved_for_patient=boolean(get("approved")),
        nullified=boolean(get("nullified")),
        discontinuation=get("type") == "U",
        read_drug=partial(_drug, get("drug")),
    )


def _drug(element: etree._Element | None) -> Drug:
    if element is None:
        return Drug()
    get = DRUG.read(element).get
    strength = number(get("strength"))
    strength_unit = get("strength_unit")
    if strength is None:
        strength = number(get("generic_strength"))
        strength_unit = get("generic_strength_unit")
    return Drug(
        npl_name=get("npl_name"),
        pack_name=get("pack_name"),
        merchandise_name=get("merchandise_name"),
        unstructured=get("unstructured"),
        generic_substance=get("substance"),
        npl_id=get("npl_id"),
        atc_code=get("atc_code"),
        form=get("form") or get("generic_form"),
        strength=strength,
        strength_unit=strength_unit,
    )
