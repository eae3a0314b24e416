"""GetMedicationHistory as a producer answers it: filter the patient's records the way the
contract says (care units, care givers, date-period overlap, status, chain) and render them."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache, partial

from lxml import etree

from contracts.cosmic import CORE_NS, EXTENSION_NS, RESPONDER_NS
from contracts.riv import ATC_OID, HSA_ID_OID, NPL_ID_OID, riv_date
from mocks.cosmic.models import (
    Administration,
    Code,
    CosmicDataset,
    Dispensation,
    Dosage,
    Dose,
    Drug,
    Patient,
    Professional,
    Record,
    Relation,
)
from mocks.kit.mock import InvalidMockResponse
from mocks.kit.soap import Call, Schema

R = f"{{{RESPONDER_NS}}}"
C = f"{{{CORE_NS}}}"
X = f"{{{EXTENSION_NS}}}"
NSMAP = {"ns": RESPONDER_NS, "core": CORE_NS, "ext": EXTENSION_NS}
Fields = dict[str, list[etree._Element]]  # a request's children by tag, in order


def _text(fields: Fields, tag: str, inner: str | None = None) -> str | None:
    """The text of the request's first child `tag` (or of that child's child `inner`), stripped."""
    found = fields.get(tag)
    element = found[0] if found else None
    if element is not None and inner is not None:
        element = next(element.iterchildren(inner), None)
    value = None if element is None else element.text
    return value.strip() if value else None


def _texts(fields: Fields, tag: str) -> set[str]:
    """The stripped texts of the request's children `tag`."""
    return {e.text.strip() for e in fields.get(tag, ()) if e.text}


def _fields(request: etree._Element) -> Fields:
    """The request's children by tag: one pass instead of a path search (ElementPath) per
    field."""
    fields: Fields = {}
    for child in request.iterchildren(tag=etree.Element):
        fields.setdefault(child.tag, []).append(child)
    return fields


def _date(text: str | None) -> date | None:
    return riv_date(text) if text else None


def get_medication_history(call: Call) -> bytes:
    request = call.request.payload
    fields = _fields(request)
    dataset: CosmicDataset = call.backend

    source = _text(fields, f"{R}sourceSystemHSAId")
    if source and source.upper() != call.logical_address.upper():
        message = "sourceSystemHSAId must equal the LogicalAddress"
        return _answer(call, [], "ERROR", message, "INVALID_REQUEST")
    if call.result is not None and call.result.resultCode == "ERROR":
        return _answer(call, [], "ERROR", call.result.message, call.result.errorCode)

    patient_id = _text(fields, f"{R}patientId", f"{C}id") or ""
    patient = dataset.by_patient.get(patient_id)
    units = {u.upper() for u in _texts(fields, f"{R}careUnitHSAId")}
    givers = {g.upper() for g in _texts(fields, f"{R}careGiverHSAId")}
    start = _date(_text(fields, f"{R}datePeriod", f"{C}start"))
    end = _date(_text(fields, f"{R}datePeriod", f"{C}end"))
    status = _text(fields, f"{R}prescriptionStatus")
    chain = _text(fields, f"{R}prescriptionChainId", f"{C}extension") or _text(
        fields, f"{R}prescriptionChainId", f"{C}root"
    )
    contacts = _texts(fields, f"{R}careContactId")

    # Nullified records are left out, as a real producer does (the contract forbids `nullified`).
    render = partial(_validated_record, call, patient)
    records = [
        dataset.rendered(record, render)
        for record in (patient.records if patient else [])
        if not record.nullified
        and (not units or record.careUnitHSAId.upper() in units)
        and (not givers or record.careGiverHSAId.upper() in givers)
        and (not contacts or record.careContactId in contacts)
        and _overlaps(record, start, end)
        and (not status or record.prescriptionStatus == status)
        and (not chain or record.prescriptionChainId == chain)
    ]
    if call.result is not None:  # INFO: done, with a message the citizen must see
        return _answer(call, records, "INFO", call.result.message, call.result.errorCode)
    return _answer(call, records, "OK")


def _validated_record(call: Call, patient: Patient, record: Record) -> bytes:
    wrapper = etree.Element(f"{R}GetMedicationHistoryResponse", nsmap=NSMAP)
    _render_record(wrapper, record, patient, call.backend.sourceSystemHSAId)
    _result(wrapper, "OK")
    return etree.tostring(call.validated(wrapper)[0])


def _answer(
    call: Call, records: list[bytes], code: str, message: str = "", error_code: str | None = None
) -> bytes:
    """The response element around already validated records and a result with a new log id."""
    start, before_log_id, after_log_id = _answer_frame(call.schema, code, message, error_code)
    log_id = f"mock-{datetime.now():%Y%m%d%H%M%S%f}".encode()
    return start + b"".join(records) + before_log_id + log_id + after_log_id


# A log id as _result writes them (the same length and characters), to validate a frame with.
_SAMPLE_LOG_ID = "mock-" + "0" * 20


@lru_cache(maxsize=64)
def _answer_frame(
    schema: Schema, code: str, message: str, error_code: str | None
) -> tuple[bytes, bytes, bytes]:
    """The response element's bytes up to its records, and around the log id after them: built
    and validated once per distinct result rather than on every request."""
    wrapper = etree.Element(f"{R}GetMedicationHistoryResponse", nsmap=NSMAP)
    _result(wrapper, code, message, error_code)
    wrapper.find(f"{R}result/{C}logId").text = _SAMPLE_LOG_ID
    errors = schema.errors(wrapper)
    if errors:
        raise InvalidMockResponse(errors[0])
    start, rest = etree.tostring(wrapper).split(b">", 1)
    before, after = rest.split(_SAMPLE_LOG_ID.encode(), 1)
    return start + b">", before, after


def _overlaps(record: Record, start: date | None, end: date | None) -> bool:
    """The record's days (Record.days, open-ended without an endOfTreatment) overlap the
    requested period; the whole end day is included."""
    begins, ends = record.days
    if end is not None and begins > end:
        return False
    return not (start is not None and ends is not None and ends < start)


def _result(
    parent: etree._Element, code: str, message: str = "", error_code: str | None = None
) -> None:
    result = etree.SubElement(parent, f"{R}result")
    etree.SubElement(result, f"{C}resultCode").text = code
    if error_code:
        etree.SubElement(result, f"{C}errorCode").text = error_code
    etree.SubElement(result, f"{C}logId").text = f"mock-{datetime.now():%Y%m%d%H%M%S%f}"
    if message:
        etree.SubElement(result, f"{C}message").text = message


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, C + tag)
    if text is not None:
        element.text = text
    return element


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def _ii(parent: etree._Element, tag: str, root: str, extension: str) -> None:
    _ii_content(_sub(parent, tag), root, extension)


def _ii_content(element: etree._Element, root: str, extension: str) -> None:
    _sub(element, "root", root)
    _sub(element, "extension", extension)


def _cv(parent: etree._Element, tag: str, code: str | None, system: str, name: str | None) -> None:
    element = _sub(parent, tag)
    if code:
        _sub(element, "code", code)
        _sub(element, "codeSystem", system)
    if name:
        _sub(element, "displayName", name)


def _render_record(
    parent: etree._Element, record: Record, patient: Patient, source_system: str
) -> None:
    element = etree.SubElement(parent, f"{R}medicationMedicalRecord")
    header = _sub(element, "medicationMedicalRecordHeader")
    _sub(header, "documentId", record.documentId)
    _sub(header, "sourceSystemHSAId", source_system)
    person = _sub(header, "patientId")
    _sub(person, "id", patient.id)
    _sub(person, "type", patient.id_type)
    author = _sub(header, "accountableHealthcareProfessional")
    _sub(author, "authorTime", _ts(record.authorTime))
    if record.prescriberHSAId:
        _sub(author, "healthcareProfessionalHSAId", record.prescriberHSAId)
    if record.prescriberName:
        _sub(author, "healthcareProfessionalName", record.prescriberName)
    # The care unit and care giver (for PDL logging) are in the header only.
    _sub(author, "healthcareProfessionalCareUnitHSAId", record.careUnitHSAId)
    _sub(author, "healthcareProfessionalCareGiverHSAId", record.careGiverHSAId)
    if record.legalAuthenticator:
        signed = _sub(header, "legalAuthenticator")
        _sub(signed, "signatureTime", _ts(record.legalAuthenticator.signatureTime))
        _optional(signed, "legalAuthenticatorHSAId", record.legalAuthenticator.hsaId)
        _optional(signed, "legalAuthenticatorName", record.legalAuthenticator.name)
    _sub(header, "approvedForPatient", "true" if record.approvedForPatient else "false")
    _optional(header, "careContactId", record.careContactId)

    body = _sub(element, "medicationMedicalRecordBody")
    prescription = _sub(body, "medicationPrescription")
    _ii(prescription, "prescriptionId", source_system, record.prescriptionId)
    _sub(prescription, "typeOfPrescription", record.typeOfPrescription)
    _sub(prescription, "prescriptionStatus", record.prescriptionStatus)
    _optional(prescription, "prescriptionNote", record.prescriptionNote)
    for tag, reasons in (
        ("principalPrescriptionReason", record.principalPrescriptionReasons),
        ("additionalPrescriptionReason", record.additionalPrescriptionReasons),
    ):
        for given in reasons:
            element = _sub(prescription, tag)
            _code(element, "reason", given.reason)
            _optional(element, "otherReason", given.otherReason)
    if record.evaluationTime:
        _sub(prescription, "evaluationTime", _ts(record.evaluationTime))
    _optional(prescription, "treatmentPurpose", record.treatmentPurpose)
    for tag, value in (
        ("prescriptionChainId", record.prescriptionChainId),
        ("precedingPrescriptionId", record.precedingPrescriptionId),
        ("succeedingPrescriptionId", record.succeedingPrescriptionId),
    ):
        if value:
            _ii(prescription, tag, source_system, value)
    if record.has_prescriber:
        prescriber = _sub(prescription, "prescriber")
        _sub(prescriber, "authorTime", _ts(record.authorTime))
        _optional(prescriber, "healthcareProfessionalHSAId", record.prescriberHSAId)
        _optional(prescriber, "healthcareProfessionalName", record.prescriberName)
        if record.prescriberOrgUnitName:
            _sub(
                _sub(prescriber, "healthcareProfessionalOrgUnit"),
                "orgUnitName",
                record.prescriberOrgUnitName,
            )
    if record.evaluator:
        _professional(prescription, "evaluator", record.evaluator)
    for tag, moment in (
        ("startOfFirstTreatment", record.startOfFirstTreatment),
        ("startOfTreatment", record.startOfTreatment),
        ("endOfTreatment", record.endOfTreatment),
    ):
        if moment:
            _sub(prescription, tag, _ts(moment))
    if record.endOfTreatmentReason:
        _code(prescription, "endOfTreatmentReason", record.endOfTreatmentReason)
    _sub(prescription, "selfMedication", "true" if record.selfMedication else "false")
    _render_drug(_sub(prescription, "drug"), record.drug)
    if record.dispensationAuthorization:
        _render_dispensation(prescription, record.dispensationAuthorization, source_system)
    for administration in record.administrations:
        _render_administration(prescription, administration, source_system)
    for relation in record.relations:
        _render_relation(prescription, relation, source_system)
    if record.dateOfBirth:
        patient_info = _sub(body, "additionalPatientInformation")
        _sub(patient_info, "dateOfBirth", f"{record.dateOfBirth:%Y%m%d}")
        if record.gender:
            _code(patient_info, "gender", record.gender)


def _optional(parent: etree._Element, tag: str, text: str | None) -> None:
    if text:
        _sub(parent, tag, text)


def _number(value: float) -> str:
    return repr(float(value))


def _code(parent: etree._Element, tag: str, code: Code) -> None:
    element = _sub(parent, tag)
    for name in ("code", "codeSystem", "displayName", "originalText"):
        _optional(element, name, getattr(code, name))


def _professional(parent: etree._Element, tag: str, who: Professional) -> None:
    """A body professional: never a care unit or care giver (those are in the header)."""
    element = _sub(parent, tag)
    _sub(element, "authorTime", _ts(who.time))
    _optional(element, "healthcareProfessionalHSAId", who.hsaId)
    _optional(element, "healthcareProfessionalName", who.name)
    if who.orgUnitName:
        _sub(_sub(element, "healthcareProfessionalOrgUnit"), "orgUnitName", who.orgUnitName)


def _render_drug(choice: etree._Element, drug: Drug, administered: bool = False) -> None:
    _optional(choice, "comment", drug.comment)
    kind = drug.choice
    if kind == "unstructuredDrugInformation":
        _sub(_sub(choice, kind), "unstructuredInformation", drug.unstructured)
    elif kind == "merchandise":
        _cv(
            _sub(choice, kind),
            "articleNumber",
            drug.merchandiseArticleNumber,
            NPL_ID_OID,
            drug.merchandiseName,
        )
    elif kind == "drugArticle":
        _cv(_sub(choice, kind), "nplPackId", drug.nplPackId, NPL_ID_OID, drug.packName)
    elif kind == "drug":
        inner = _sub(choice, kind)
        if drug.nplId:
            _cv(inner, "nplId", drug.nplId, NPL_ID_OID, drug.name)
        if drug.atcCode:
            _cv(inner, "atcCode", drug.atcCode, ATC_OID, drug.atcName)
        if drug.route:
            _code(inner, "routeOfAdministration", drug.route)
        _optional(inner, "pharmaceuticalForm", drug.form)
        if drug.strength is not None:
            _sub(inner, "strength", _number(drug.strength))
        _optional(inner, "strengthUnit", drug.strengthUnit)
    else:
        generics = _sub(choice, kind)
        _optional(generics, "substance", drug.genericSubstance)
        if drug.genericStrength is not None:
            strength = _sub(generics, "strength")
            _sub(strength, "value", _number(drug.genericStrength))
            _sub(strength, "unit", drug.genericStrengthUnit)
        _optional(generics, "form", drug.genericForm)
    for dosage in drug.all_dosages():
        _render_dosage(_sub(choice, "dosage"), dosage)


def _render_dosage(element: etree._Element, dosage: Dosage) -> None:
    if dosage.lengthOfTreatmentDays:
        length = _sub(element, "lengthOfTreatment")
        _render_interval(_sub(length, "treatmentInterval"), dosage.lengthOfTreatmentDays)
        _sub(length, "isMaximumTreatmentTime", "true" if dosage.isMaximumTreatmentTime else "false")
    _optional(element, "dosageInstruction", dosage.dosageInstruction)
    if dosage.unitDose:
        _code(element, "unitDose", dosage.unitDose)
    _optional(element, "shortNotation", dosage.shortNotation)
    if dosage.condition:
        structured = _sub(element, "conditionalDosage")
        _sub(structured, "conditionDescription", dosage.condition)
    else:
        structured = _sub(element, "setDosage")
    if dosage.singleDose:
        _render_interval(_sub(_sub(structured, "singleDose"), "dose"), dosage.singleDose)
    if dosage.unstructuredDosage:
        _sub(_sub(structured, "unstructuredDosageInformation"), "text", dosage.unstructuredDosage)


def _render_interval(element: etree._Element, dose: Dose) -> None:
    if dose.low is not None:
        _sub(element, "low", _number(dose.low))
    if dose.high is not None:
        _sub(element, "high", _number(dose.high))
    _sub(element, "unit", dose.unit)


def _render_dispensation(parent: etree._Element, given: Dispensation, source: str) -> None:
    element = _sub(parent, "dispensationAuthorization")
    _ii(element, "dispensationAuthorizationId", source, given.id)
    if given.validUntil:
        _sub(element, "validUntil", f"{given.validUntil:%Y%m%d}")
    if given.receivingPharmacy:
        pharmacy = given.receivingPharmacy
        _ii(element, "receivingPharmacy", pharmacy.root, pharmacy.extension)
    if given.minimumDispensationIntervalDays is not None:
        interval = _sub(element, "minimumDispensationInterval")
        _sub(interval, "value", _number(given.minimumDispensationIntervalDays))
        _sub(interval, "unit", "d")
    if given.totalAmount is not None:
        _sub(element, "totalAmount", _number(given.totalAmount))
    _optional(element, "packageUnit", given.packageUnit)
    _optional(element, "distributionMethod", given.distributionMethod)
    _professional(element, "dispensationAuthorizer", given.authorizer)
    _optional(element, "dispensationAuthorizerComment", given.authorizerComment)
    if given.firstDispensationBefore:
        _sub(element, "firstDispensationBefore", f"{given.firstDispensationBefore:%Y%m%d}")
    _sub(element, "prescriptionSignatura", given.prescriptionSignatura)
    _optional(element, "nonReplaceable", given.nonReplaceable)
    if given.drug:
        _render_drug(_sub(element, "drug"), given.drug)


def _render_administration(parent: etree._Element, given: Administration, source: str) -> None:
    element = _sub(parent, "administration")
    _ii(element, "administrationId", source, given.id)
    period = _sub(element, "administrationTime")
    if given.start:
        _sub(period, "start", _ts(given.start))
    if given.end:
        _sub(period, "end", _ts(given.end))
    _optional(element, "administrationComment", given.comment)
    if given.route:
        _code(element, "routeOfAdministration", given.route)
    _professional(element, "administeringHealthcareProfessional", given.administeredBy)
    if given.drug:
        _render_drug(_sub(element, "drug"), given.drug)


def _render_relation(parent: etree._Element, given: Relation, source: str) -> None:
    element = etree.SubElement(parent, f"{X}relation")
    code = etree.SubElement(element, f"{X}code")
    for name in ("code", "codeSystem", "displayName", "originalText"):
        _optional(code, name, getattr(given.code, name))
    # The 2.1 extension's own elements hold the core types, whose children are core elements.
    referred = etree.SubElement(element, f"{X}referredInformation")
    _ii_content(etree.SubElement(referred, f"{X}id"), source, given.referredId)
    _sub(etree.SubElement(referred, f"{X}type"), "originalText", given.referredType)
    owner = etree.SubElement(referred, f"{X}informationOwner")
    _ii(owner, "id", HSA_ID_OID, given.informationOwner)
