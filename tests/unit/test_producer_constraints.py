"""The producer suite's Schematron constraints, rule by rule: a valid answer passes, and each
shape the published rules forbid is named by its rule."""

from __future__ import annotations

import pytest
from lxml import etree

from contracts.cosmic import CORE_NS, EXTENSION_NS, RESPONDER_NS
from contracts.suites.producer.get_medication_history.schematron import violations

PRESCRIBER = "<c:prescriber><c:authorTime>20261101093000</c:authorTime></c:prescriber>"
PRODUCT = (
    "<c:drug><c:nplId><c:code>19750613000024</c:code><c:codeSystem>1.2.752.129.2.1.5.1"
    "</c:codeSystem><c:displayName>Alvedon</c:displayName></c:nplId></c:drug>"
)
DOSAGE = (
    "<c:dosage><c:setDosage><c:singleDose><c:dose><c:low>1</c:low><c:unit>st</c:unit></c:dose>"
    "</c:singleDose></c:setDosage></c:dosage>"
)
RECORD = f"""
<r:medicationMedicalRecord>
  <c:medicationMedicalRecordHeader>
    <c:documentId>DOC-1</c:documentId>
    <c:accountableHealthcareProfessional>
      <c:authorTime>20261101093000</c:authorTime>
      <c:healthcareProfessionalCareUnitHSAId>SE2321000057-5VTN</c:healthcareProfessionalCareUnitHSAId>
    </c:accountableHealthcareProfessional>
    <c:approvedForPatient>true</c:approvedForPatient>
  </c:medicationMedicalRecordHeader>
  <c:medicationMedicalRecordBody><c:medicationPrescription>
    <c:prescriptionId><c:root>SE2321000057-7P8R</c:root><c:extension>RX-1</c:extension>
    </c:prescriptionId>
    <c:typeOfPrescription>I</c:typeOfPrescription>
    {PRESCRIBER}
    <c:startOfTreatment>20261101093000</c:startOfTreatment>
    <c:selfMedication>false</c:selfMedication>
    <c:drug>{PRODUCT}{DOSAGE}</c:drug>
  </c:medicationPrescription></c:medicationMedicalRecordBody>
</r:medicationMedicalRecord>"""


def answer(record: str = RECORD, records: int = 1) -> etree._Element:
    return etree.fromstring(
        f'<r:GetMedicationHistoryResponse xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}" '
        f'xmlns:x="{EXTENSION_NS}">{record * records}<r:result><c:resultCode>OK</c:resultCode>'
        "<c:logId>1</c:logId></r:result></r:GetMedicationHistoryResponse>"
    )


def test_a_valid_answer_meets_every_constraint() -> None:
    assert violations(answer()) == []


ROLE = (
    "<c:healthcareProfessionalRoleCode><c:code>LK</c:code><c:codeSystem>HSA</c:codeSystem>"
    "<c:displayName>Läkare</c:displayName></c:healthcareProfessionalRoleCode>"
)
CARE_UNIT = "<c:healthcareProfessionalCareUnitHSAId>X</c:healthcareProfessionalCareUnitHSAId>"


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("</c:authorTime></c:prescriber>", f"</c:authorTime>{CARE_UNIT}</c:prescriber>",
         "Verify_medicationPrescription.prescriber"),
        ("</c:approvedForPatient>", "</c:approvedForPatient><c:nullified>true</c:nullified>",
         "NotAllowed_medicationMedicalRecordHeader"),
        (PRODUCT, PRODUCT + "<c:drugArticle><c:nplPackId><c:code>1</c:code><c:codeSystem>1.2"
         "</c:codeSystem><c:displayName>p</c:displayName></c:nplPackId></c:drugArticle>",
         "Verify_drugChoiceType"),
        (DOSAGE, "<c:dosage><c:dosageInstruction>1 dagligen</c:dosageInstruction></c:dosage>",
         "Verify_medicalPrescription_dosage"),
        ("<c:displayName>Alvedon</c:displayName>", "", "Verify_drug.nplId"),
        ("</c:authorTime></c:prescriber>", f"</c:authorTime>{ROLE}</c:prescriber>",
         "Verify_healthcareProfessionalRoleCode"),  # codeSystem not an OID
        ("<c:low>1</c:low>", "", "Verify_dose"),
        (PRESCRIBER, "", "LogicalRules"),  # selfMedication false without prescriber
        ("<c:startOfTreatment>20261101093000</c:startOfTreatment>", "", "LogicalRules"),
        ("<c:extension>RX-1</c:extension>", "<c:extension> </c:extension>",
         "Verify non-empty elements"),
    ],
)  # fmt: skip
def test_each_forbidden_shape_is_named_by_its_rule(old: str, new: str, rule: str) -> None:
    assert old in RECORD
    found = violations(answer(RECORD.replace(old, new)))
    assert found and {v.split(":")[0] for v in found} == {rule}, found


def test_ids_must_be_unique_and_places_are_named() -> None:
    found = violations(answer(records=2))
    assert any(v.startswith("Verify unique id:s: documentId DOC-1 appears 2 times") for v in found)
    broken = violations(answer(RECORD.replace(PRESCRIBER, "")))
    assert "medicationPrescription (documentId DOC-1)" in broken[0]
