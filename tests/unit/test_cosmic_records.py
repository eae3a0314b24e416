"""Reading GetMedicationHistory records: unknown elements anywhere are ignored (whatever they
hold), optional parts may be missing, and records the domain cannot use are skipped."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

import pytest
from lxml import etree

from contracts.cosmic import CORE_NS, RESPONDER_NS
from gateway.domain.ordinations import Drug, MedicationRecord
from gateway.errors import UpstreamInvalidResponse
from gateway.upstreams.cosmic import MedicationHistory, parse_medication_history

# Unknown content: an element of a namespace the contract does not know, holding known names
# (that must not be read from there), an unknown element of the contract's own namespace, and a
# comment.
DRIFT = (
    '<x:later xmlns:x="urn:example:drift"><c:authorTime>19990101000000</c:authorTime>'
    "<c:extension>WRONG</c:extension><c:displayName>WRONG</c:displayName></x:later>"
    "<c:notYetInTheContract>WRONG</c:notYetInTheContract><!-- a comment -->"
)
RECORD = """
<r:medicationMedicalRecord>{u}
  <c:medicationMedicalRecordHeader>{u}
    <c:documentId>DOC-1</c:documentId>
    <c:accountableHealthcareProfessional>{u}
      <c:authorTime>20250101080000</c:authorTime>{u}
      <c:healthcareProfessionalCareUnitHSAId> se2321000057-5vtn
      </c:healthcareProfessionalCareUnitHSAId>
    </c:accountableHealthcareProfessional>{u}
    <c:approvedForPatient>true</c:approvedForPatient>{u}
  </c:medicationMedicalRecordHeader>{u}
  <c:medicationMedicalRecordBody>{u}
    <c:medicationPrescription>{u}
      <c:prescriptionId>{u}<c:root>ROOT</c:root>{u}<c:extension>RX-1</c:extension>{u}</c:prescriptionId>
      <c:typeOfPrescription>I</c:typeOfPrescription>{u}
      <c:prescriptionChainId>{u}<c:root>ROOT</c:root><c:extension>CH-1</c:extension></c:prescriptionChainId>
      <c:prescriber>{u}<c:authorTime>20250102090000</c:authorTime>{u}</c:prescriber>{u}
      <c:drug>{u}
        <c:drug>{u}
          <c:nplId>{u}<c:code>NPL-1</c:code>{u}<c:displayName>Alvedon</c:displayName>{u}</c:nplId>
          <c:atcCode>{u}<c:code>N02BE01</c:code>{u}</c:atcCode>
          <c:pharmaceuticalForm>Tablett</c:pharmaceuticalForm>{u}
          <c:strength>2.5</c:strength><c:strengthUnit>mg</c:strengthUnit>{u}
        </c:drug>{u}
      </c:drug>{u}
    </c:medicationPrescription>{u}
  </c:medicationMedicalRecordBody>{u}
</r:medicationMedicalRecord>"""


def answer(*records: str, code: str = "OK") -> etree._Element:
    return etree.fromstring(
        f'<r:GetMedicationHistoryResponse xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}">'
        f"{''.join(records)}<r:result><c:resultCode>{code}</c:resultCode></r:result>"
        "</r:GetMedicationHistoryResponse>"
    )


def comparable(record: MedicationRecord) -> tuple[object, ...]:
    """A record's fields in order, its drug read."""
    return (*(getattr(record, f.name) for f in fields(record)[:-1]), record.read_drug())


def parsed(record: str) -> list[tuple[object, ...]]:
    history: MedicationHistory = parse_medication_history(answer(record))
    return [comparable(r) for r in history.records]


CLEAN = [
    (
        "RX-1",
        "ROOT/CH-1",
        datetime(2025, 1, 2, 9, 0),
        "SE2321000057-5VTN",
        True,
        False,
        False,
        Drug(
            npl_name="Alvedon",
            npl_id="NPL-1",
            atc_code="N02BE01",
            form="Tablett",
            strength=2.5,
            strength_unit="mg",
        ),
    )
]


def test_a_clean_record() -> None:
    assert parsed(RECORD.format(u="")) == CLEAN


def test_unknown_elements_in_every_position_are_ignored_with_what_they_hold() -> None:
    assert parsed(RECORD.format(u=DRIFT)) == CLEAN


def test_optional_parts_missing() -> None:
    """No prescriber (the header's authorTime counts), no chain, no unit, no drug, no
    approval: a record of its own chain, at no unit, not approved, without drug facts."""
    bare = (
        "<r:medicationMedicalRecord><c:medicationMedicalRecordHeader>"
        "<c:accountableHealthcareProfessional><c:authorTime>20250101080000</c:authorTime>"
        "</c:accountableHealthcareProfessional></c:medicationMedicalRecordHeader>"
        "<c:medicationMedicalRecordBody><c:medicationPrescription>"
        "<c:prescriptionId><c:root>ROOT-ONLY</c:root></c:prescriptionId>"
        "<c:typeOfPrescription>U</c:typeOfPrescription>"
        "</c:medicationPrescription></c:medicationMedicalRecordBody></r:medicationMedicalRecord>"
    )
    [record] = parse_medication_history(answer(bare)).records
    assert record.prescription_id == "ROOT-ONLY"  # no extension: the root identifies it
    assert record.authored_at == datetime(2025, 1, 1, 8, 0)
    assert (record.chain_id, record.chain_key) == (None, "prescription:ROOT-ONLY")
    assert (record.care_unit, record.approved_for_patient, record.discontinuation) == (
        None,
        False,
        True,
    )
    assert record.read_drug() == Drug()


def test_generic_drug_fills_in_and_blank_texts_count_as_absent() -> None:
    generic = (
        RECORD.format(u="")
        .replace(
            "<c:strength>2.5</c:strength><c:strengthUnit>mg</c:strengthUnit>",
            "<c:strength>  </c:strength>",
        )
        .replace(
            "</c:drug>\n      </c:drug>",
            "</c:drug><c:generics><c:substance>Paracetamol</c:substance><c:form>Brustablett</c:form>"
            "<c:strength><c:value>500</c:value><c:unit>mg</c:unit></c:strength></c:generics>"
            "\n      </c:drug>",
        )
    )
    [(*_, drug)] = parsed(generic)
    assert (drug.strength, drug.strength_unit, drug.form) == (500.0, "mg", "Tablett")
    assert drug.generic_substance == "Paracetamol"


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        ("20250102090000", "2025010209", 1),  # prescriber's time unreadable: no header fallback
        ("<c:extension>RX-1</c:extension>", "", 2),  # still has the root: kept
    ],
)
def test_records_without_a_usable_date_or_id(old: str, new: str, kept: int) -> None:
    record = RECORD.format(u="").replace(old, new)
    assert len(parse_medication_history(answer(record, RECORD.format(u=""))).records) == kept


def test_a_record_without_any_id_is_skipped_and_the_rest_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    no_id = RECORD.format(u="").replace(
        "<c:root>ROOT</c:root>{u}<c:extension>RX-1</c:extension>".format(u=""), ""
    )
    history = parse_medication_history(answer(no_id, RECORD.format(u="")))
    assert [r.prescription_id for r in history.records] == ["RX-1"]
    assert "1 record(s) without a usable date or id skipped" in caplog.text


def test_an_answer_without_a_result_code_is_refused() -> None:
    with pytest.raises(UpstreamInvalidResponse):
        parse_medication_history(answer(RECORD.format(u=""), code="MAYBE"))


def test_an_element_the_contract_does_not_repeat_counts_its_last_occurrence() -> None:
    twice = RECORD.format(u="").replace(
        "<c:typeOfPrescription>I</c:typeOfPrescription>",
        "<c:typeOfPrescription>I</c:typeOfPrescription><c:typeOfPrescription>U"
        "</c:typeOfPrescription>",
    )
    [(*_, discontinuation, _drug)] = parsed(twice)
    assert discontinuation is True
