"""The suite's ISO Schematron constraints (constraints.xml), as Python checks over an answer.

Each rule is the published rule's meaning, named by the published pattern id; `violations`
lists every broken rule in an answer, with the record it is in. XPath below is XPath 1.0 over
the same prefixes as the published rules (urn: responder, urn1: core, urn2: the 2.1 extension).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from lxml import etree

from contracts.suites.producer.get_medication_history.client import NS

OID = re.compile(r"^[0-2](\.([0-9])+)+$")
Check = Callable[[etree._Element], Iterator[str]]


def _at(payload: etree._Element, path: str) -> list[etree._Element]:
    return payload.xpath(f".//{path}", namespaces=NS)


def _has(element: etree._Element, path: str) -> bool:
    return bool(element.xpath(path, namespaces=NS))


def _where(element: etree._Element) -> str:
    """The element's place: its path from the answer, with the record's documentId."""
    record = next(
        (
            a
            for a in element.iterancestors()
            if etree.QName(a).localname == "medicationMedicalRecord"
        ),
        None,
    )
    document = (
        None
        if record is None
        else record.findtext(
            f"{{{NS['urn1']}}}medicationMedicalRecordHeader/{{{NS['urn1']}}}documentId"
        )
    )
    path = "/".join(etree.QName(e).localname for e in reversed([element, *element.iterancestors()]))
    path = path.split("GetMedicationHistoryResponse/", 1)[-1]
    return f"{path} (documentId {document})" if document else path


def pq_interval(path: str) -> Check:
    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, path):
            if not (_has(found, "urn1:low") or _has(found, "urn1:high")):
                yield f"{_where(found)}: low or high must be given"

    return check


def ii_strict(path: str) -> Check:
    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, path):
            if not _has(found, "urn1:extension"):
                yield f"{_where(found)}: extension must be given"

    return check


def cv_strict(path: str) -> Check:
    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, path):
            for part in ("code", "codeSystem", "displayName"):
                if not _has(found, f"urn1:{part}"):
                    yield f"{_where(found)}: {part} must be given"
            if _has(found, "urn1:originalText"):
                yield f"{_where(found)}: originalText must not be given"

    return check


def cv(path: str) -> Check:
    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, path):
            given = {etree.QName(c).localname for c in found if isinstance(c.tag, str)}
            if "code" in given and not {"codeSystem", "displayName"} <= given:
                yield f"{_where(found)}: with code, codeSystem and displayName must be given"
            if "codeSystem" in given:
                if not {"code", "displayName"} <= given:
                    yield f"{_where(found)}: with codeSystem, code and displayName must be given"
                system = found.findtext(f"{{{NS['urn1']}}}codeSystem") or ""
                if not OID.match(system):
                    yield f"{_where(found)}: codeSystem must be an OID"
            others = {"code", "codeSystem", "codeSystemName", "codeSystemVersion", "displayName"}
            if "originalText" in given and given & others:
                yield f"{_where(found)}: with originalText, nothing else may be given"

    return check


def no_care_unit_or_giver(path: str) -> Check:
    """Care unit and care giver belong to the record header (accountableHealthcareProfessional)."""

    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, path):
            for part in (
                "healthcareProfessionalCareUnitHSAId",
                "healthcareProfessionalCareGiverHSAId",
            ):
                if _has(found, f"urn1:{part}"):
                    yield f"{_where(found)}: {part} must NOT exist here"

    return check


def structured_dosage(path: str) -> Check:
    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, f"{path}/urn1:dosage"):
            if not (_has(found, "urn1:setDosage") or _has(found, "urn1:conditionalDosage")):
                yield f"{_where(found)}: at least one of setDosage or conditionalDosage must exist"

    return check


CHOICES = ("unstructuredDrugInformation", "merchandise", "drugArticle", "drug", "generics")


def one_drug_choice(path: str) -> Check:
    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, path):
            count = sum(len(found.xpath(f"urn1:{c}", namespaces=NS)) for c in CHOICES)
            if count != 1:
                yield f"{_where(found)}: only one of {'/'.join(CHOICES)} must exist ({count})"

    return check


def forbidden(path: str, *parts: str) -> Check:
    def check(payload: etree._Element) -> Iterator[str]:
        for found in _at(payload, path):
            for part in parts:
                if _has(found, part):
                    yield f"{_where(found)}: {part.split(':')[-1]} must NOT exist here"

    return check


def logical_rules(payload: etree._Element) -> Iterator[str]:
    for found in _at(payload, "urn1:medicationPrescription"):
        self_medication = found.findtext(f"{{{NS['urn1']}}}selfMedication")
        if not (
            self_medication == "true"
            or (self_medication == "false" and _has(found, "urn1:prescriber"))
        ):
            yield f"{_where(found)}: if selfMedication is false, prescriber must be set"
        kind = found.findtext(f"{{{NS['urn1']}}}typeOfPrescription")
        if not (kind == "U" or (kind == "I" and _has(found, "urn1:startOfTreatment"))):
            yield f"{_where(found)}: if typeOfPrescription is 'I', startOfTreatment must be set"
    for found in _at(payload, "urn1:administration/urn1:administrationTime"):
        if not (_has(found, "urn1:start") or _has(found, "urn1:end")):
            yield f"{_where(found)}: start or end must be set"
    for found in _at(payload, "urn1:occasionDosage/urn1:period"):
        if not 0 < _number(found, "urn1:value") < 29:
            yield f"{_where(found)}: value must be between 1 and 28"
    for found in _at(payload, "urn1:occasionDosage/urn1:administration"):
        if not 0 < _number(found, "urn1:dayOfPeriod") < 15:
            yield f"{_where(found)}: dayOfPeriod must be between 1 and 14"
    for found in _at(payload, "urn1:dispensationAuthorization"):
        if _has(found, "urn1:packageUnit") != _has(found, "urn1:totalAmount"):
            yield f"{_where(found)}: packageUnit and totalAmount must both be set if either is"
    for found in _at(payload, "urn1:dispensationAuthorization/urn1:drug/urn1:drug"):
        if len(found.xpath("urn1:nplId", namespaces=NS)) != 1:
            yield f"{_where(found)}: nplId must be set"
    for found in _at(payload, "urn2:referredInformation/urn2:type"):
        if found.findtext(f"{{{NS['urn1']}}}originalText") not in {"caa-ga", "chb-go"}:
            yield f"{_where(found)}: originalText must be 'caa-ga' or 'chb-go'"
    for found in _at(payload, "urn1:drug/urn1:drug"):
        if not (_has(found, "urn1:nplId") or _has(found, "urn1:atcCode")):
            yield f"{_where(found)}: at least one of nplId or atcCode must be set"


def _number(element: etree._Element, path: str) -> float:
    try:
        return float(element.xpath(f"string({path})", namespaces=NS))
    except ValueError:
        return float("nan")


def non_empty(payload: etree._Element) -> Iterator[str]:
    for found in payload.iterdescendants():
        if isinstance(found.tag, str) and not "".join(found.itertext()).strip():
            yield f"{_where(found)}: included but empty"


def unique_ids(payload: etree._Element) -> Iterator[str]:
    record = "urn:medicationMedicalRecord"
    prescription = f"{record}/urn1:medicationMedicalRecordBody/urn1:medicationPrescription"
    for what, path in (
        ("documentId", f"{record}/urn1:medicationMedicalRecordHeader/urn1:documentId"),
        ("prescriptionId", f"{prescription}/urn1:prescriptionId/urn1:extension"),
        (
            "dispensationAuthorizationId",
            f"{prescription}/urn1:dispensationAuthorization/urn1:dispensationAuthorizationId/urn1:extension",
        ),
        (
            "administrationId",
            f"{prescription}/urn1:administration/urn1:administrationId/urn1:extension",
        ),
    ):
        counts = Counter((e.text or "").strip() for e in payload.xpath(path, namespaces=NS))
        for value, count in counts.items():
            if count > 1:
                yield f"{what} {value} appears {count} times: each must be unique"


RULES: dict[str, Check] = {
    "Verify_dose": pq_interval("urn1:dose"),
    "Verify_treatmentInterval": pq_interval("urn1:treatmentInterval"),
    "Verify_receivingPharmacy.extension": ii_strict(
        "urn1:dispensationAuthorization/urn1:receivingPharmacy"
    ),
    "Verify_informationOwner.id.extension": ii_strict("urn2:informationOwner/urn1:id"),
    "Verify_reason": cv_strict("urn1:reason"),
    "Verify_merchandise.articleNumber": cv_strict("urn1:merchandise/urn1:articleNumber"),
    "Verify_drug.atcCode": cv_strict("urn1:drug/urn1:atcCode"),
    "Verify_drug.nplId": cv_strict("urn1:drug/urn1:nplId"),
    "Verify_drugArticle.nplPackId": cv_strict("urn1:drugArticle/urn1:nplPackId"),
    "Verify_gender": cv_strict("urn1:gender"),
    "Verify_healthcareProfessionalRoleCode": cv("urn1:healthcareProfessionalRoleCode"),
    "Verify_legalAuthenticatorRoleCode": cv(
        "urn1:legalAuthenticator/urn1:legalAuthenticatorRoleCode"
    ),
    "Verify_endOfTreatmentReason": cv("urn1:endOfTreatmentReason"),
    "Verify_relation": cv("urn2:relation/urn2:code"),
    "Verify_referredInformationType": cv("urn2:relation/urn2:referredInformation/urn2:type"),
    "Verify_routeOfAdministration": cv("urn1:routeOfAdministration"),
    "Verify_unitDose": cv("urn1:unitDose"),
    "Verify_medicationPrescription.prescriber": no_care_unit_or_giver(
        "urn1:medicationPrescription/urn1:prescriber"
    ),
    "Verify_dispensationAuthorizer": no_care_unit_or_giver("urn1:dispensationAuthorizer"),
    "Verify_medicationPrescription.evaluator": no_care_unit_or_giver(
        "urn1:medicationPrescription/urn1:evaluator"
    ),
    "Verify_administeringHealthcareProfessional": no_care_unit_or_giver(
        "urn1:administeringHealthcareProfessional"
    ),
    "Verify_medicalPrescription_dosage": structured_dosage("urn1:medicationPrescription/urn1:drug"),
    "Verify_administration_dosage": structured_dosage("urn1:administration/urn1:drug"),
    "Verify_drugChoiceType": one_drug_choice("urn1:medicationPrescription/urn1:drug"),
    "Verify_administration_drugChoiceType": one_drug_choice("urn1:administration/urn1:drug"),
    "Verify_dispensationAuthorization_drugChoiceType": one_drug_choice(
        "urn1:dispensationAuthorization/urn1:drug"
    ),
    "NotAllowed_medicationMedicalRecordHeader": forbidden(
        "urn1:medicationMedicalRecordHeader",
        "urn1:documentTime",
        "urn1:nullified",
        "urn1:nullifiedReason",
    ),
    "NotAllowed_administration_dosage": forbidden(
        "urn1:medicationPrescription/urn1:administration/urn1:drug/urn1:dosage",
        "urn1:lengthOfTreatment",
        "urn1:isMaximumTreatmentTime",
        "urn1:dosageInstruction",
    ),
    "NotAllowed_dispensationAuthorization_generics": forbidden(
        "urn1:medicationPrescription/urn1:dispensationAuthorization/urn1:drug/urn1:generics",
        "urn1:dosage",
    ),
    "LogicalRules": logical_rules,
    "Verify non-empty elements": non_empty,
    "Verify unique id:s": unique_ids,
}


def violations(payload: etree._Element) -> list[str]:
    """Every broken constraint in a GetMedicationHistoryResponse, `rule: where: what`."""
    return [f"{rule}: {found}" for rule, check in RULES.items() for found in check(payload)]
