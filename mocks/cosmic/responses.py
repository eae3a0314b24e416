"""GetMedicationHistory as a producer answers it: filter the patient's records the way the
contract says (care units, care givers, date-period overlap, status, chain) and render them."""

from __future__ import annotations

from datetime import date, datetime

from lxml import etree

from contracts.cosmic import CORE_NS, RESPONDER_NS
from contracts.riv import ATC_OID, NPL_ID_OID, PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID
from mocks.cosmic.models import CosmicDataset, Drug, Record
from mocks.kit.soap import Call

R = f"{{{RESPONDER_NS}}}"
C = f"{{{CORE_NS}}}"
NSMAP = {"ns": RESPONDER_NS, "core": CORE_NS}


def _text(parent: etree._Element, path: str) -> str | None:
    value = parent.findtext(path)
    return value.strip() if value else None


def _date(text: str | None) -> date | None:
    return datetime.strptime(text, "%Y%m%d").date() if text else None


def get_medication_history(call: Call) -> bytes:
    request = call.request.payload
    dataset: CosmicDataset = call.backend

    source = _text(request, f"{R}sourceSystemHSAId")
    if source and source.upper() != call.logical_address.upper():
        message = "sourceSystemHSAId must equal the LogicalAddress"
        return _answer(call, [], "ERROR", message, "INVALID_REQUEST")
    if call.result is not None and call.result.resultCode == "ERROR":
        return _answer(call, [], "ERROR", call.result.message, call.result.errorCode)

    patient_id = _text(request, f"{R}patientId/{C}id") or ""
    patient = dataset.by_patient.get(patient_id)
    units = {u.text.strip().upper() for u in request.iterfind(f"{R}careUnitHSAId") if u.text}
    givers = {g.text.strip().upper() for g in request.iterfind(f"{R}careGiverHSAId") if g.text}
    start = _date(_text(request, f"{R}datePeriod/{C}start"))
    end = _date(_text(request, f"{R}datePeriod/{C}end"))
    status = _text(request, f"{R}prescriptionStatus")
    chain = _text(request, f"{R}prescriptionChainId/{C}extension") or _text(
        request, f"{R}prescriptionChainId/{C}root"
    )

    def render(record: Record) -> bytes:
        wrapper = etree.Element(f"{R}GetMedicationHistoryResponse", nsmap=NSMAP)
        _render_record(wrapper, record, patient_id, dataset.sourceSystemHSAId)
        _result(wrapper, "OK")
        return etree.tostring(call.validated(wrapper)[0])

    records = [
        dataset.rendered(record, render)
        for record in (patient.records if patient else [])
        if (not units or record.careUnitHSAId.upper() in units)
        and (not givers or record.careGiverHSAId.upper() in givers)
        and _overlaps(record, start, end)
        and (not status or record.prescriptionStatus == status)
        and (not chain or record.prescriptionChainId == chain)
    ]
    if call.result is not None:  # INFO: done, with a message the citizen must see
        return _answer(call, records, "INFO", call.result.message, call.result.errorCode)
    return _answer(call, records, "OK")


def _answer(
    call: Call, records: list[bytes], code: str, message: str = "", error_code: str | None = None
) -> bytes:
    """The response element around already validated records; the result is validated here."""
    wrapper = etree.Element(f"{R}GetMedicationHistoryResponse", nsmap=NSMAP)
    _result(wrapper, code, message, error_code)
    start, end = etree.tostring(call.validated(wrapper)).split(b">", 1)
    return start + b">" + b"".join(records) + end


def _overlaps(record: Record, start: date | None, end: date | None) -> bool:
    """The record's interval (authorTime to endOfTreatment, open-ended when absent) overlaps the
    requested period; the whole end day is included."""
    begins = record.authorTime.date()
    ends = record.endOfTreatment.date() if record.endOfTreatment else None
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
    element = _sub(parent, tag)
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
    parent: etree._Element, record: Record, patient_id: str, source_system: str
) -> None:
    element = etree.SubElement(parent, f"{R}medicationMedicalRecord")
    header = _sub(element, "medicationMedicalRecordHeader")
    _sub(header, "documentId", record.documentId)
    _sub(header, "sourceSystemHSAId", source_system)
    person = _sub(header, "patientId")
    _sub(person, "id", patient_id)
    coordination = int(patient_id[6:8]) > 60
    _sub(person, "type", SAMORDNINGSNUMMER_OID if coordination else PERSONNUMMER_OID)
    author = _sub(header, "accountableHealthcareProfessional")
    _sub(author, "authorTime", _ts(record.authorTime))
    if record.prescriberHSAId:
        _sub(author, "healthcareProfessionalHSAId", record.prescriberHSAId)
    if record.prescriberName:
        _sub(author, "healthcareProfessionalName", record.prescriberName)
    _sub(author, "healthcareProfessionalCareUnitHSAId", record.careUnitHSAId)
    _sub(author, "healthcareProfessionalCareGiverHSAId", record.careGiverHSAId)
    _sub(header, "approvedForPatient", "true" if record.approvedForPatient else "false")
    if record.nullified:
        _sub(header, "nullified", "true")

    prescription = _sub(_sub(element, "medicationMedicalRecordBody"), "medicationPrescription")
    _ii(prescription, "prescriptionId", source_system, record.prescriptionId)
    _sub(prescription, "typeOfPrescription", record.typeOfPrescription)
    _sub(prescription, "prescriptionStatus", record.prescriptionStatus)
    if record.prescriptionChainId:
        _ii(prescription, "prescriptionChainId", source_system, record.prescriptionChainId)
    prescriber = _sub(prescription, "prescriber")
    _sub(prescriber, "authorTime", _ts(record.authorTime))
    if record.prescriberName:
        _sub(prescriber, "healthcareProfessionalName", record.prescriberName)
    _sub(prescriber, "healthcareProfessionalCareUnitHSAId", record.careUnitHSAId)
    if record.startOfTreatment:
        _sub(prescription, "startOfTreatment", _ts(record.startOfTreatment))
    if record.endOfTreatment:
        _sub(prescription, "endOfTreatment", _ts(record.endOfTreatment))
    _sub(prescription, "selfMedication", "false")
    _render_drug(_sub(prescription, "drug"), record.drug)


def _render_drug(choice: etree._Element, drug: Drug) -> None:
    if drug.unstructured:
        _sub(
            _sub(choice, "unstructuredDrugInformation"),
            "unstructuredInformation",
            drug.unstructured,
        )
    if drug.nplPackId or drug.packName:
        _cv(_sub(choice, "drugArticle"), "nplPackId", drug.nplPackId, NPL_ID_OID, drug.packName)
    if drug.nplId or drug.name or drug.atcCode or drug.form or drug.strength is not None:
        inner = _sub(choice, "drug")
        if drug.nplId or drug.name:
            _cv(inner, "nplId", drug.nplId, NPL_ID_OID, drug.name)
        if drug.atcCode:
            _cv(inner, "atcCode", drug.atcCode, ATC_OID, drug.atcName)
        if drug.form:
            _sub(inner, "pharmaceuticalForm", drug.form)
        if drug.strength is not None:
            _sub(inner, "strength", repr(float(drug.strength)))
        if drug.strengthUnit:
            _sub(inner, "strengthUnit", drug.strengthUnit)
    if drug.genericSubstance or drug.genericForm:
        generics = _sub(choice, "generics")
        if drug.genericSubstance:
            _sub(generics, "substance", drug.genericSubstance)
        if drug.genericForm:
            _sub(generics, "form", drug.genericForm)
    if drug.dosageInstruction or drug.shortNotation:
        dosage = _sub(choice, "dosage")
        if drug.dosageInstruction:
            _sub(dosage, "dosageInstruction", drug.dosageInstruction)
        if drug.shortNotation:
            _sub(dosage, "shortNotation", drug.shortNotation)
