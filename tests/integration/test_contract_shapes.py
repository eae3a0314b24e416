"""Every shape a GetMedicationHistory producer may send, end to end over real HTTP: the mock's
dataset documents express them (and refuse what the contract forbids), and the gateway's
renew-prescription list reads each drug choice, taking the care unit from the record header
only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from lxml import etree

from contracts.cosmic import CORE_NS, RESPONDER_NS
from contracts.riv import PERSONNUMMER_OID as PNR
from contracts.riv import SOAP_ENV

Admin = Callable[..., requests.Response]
TENHULT = "SE2321000057-5VTN"


def listed(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return [
        {k: o[k] for k in ("id", "name", "strength", "form", "atcCode", "nplId")}
        for o in response.json()["ordinations"]
    ]


def test_generics_and_merchandise_are_listed_with_what_they_carry(
    ordinations: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    # The national-suite patient at Tenhult: a chain ending in a discontinuation (hidden), and
    # two self-medications without prescriber, whose prescription time is the header's.
    assert listed(ordinations(patients["national-suite"])) == [
        {"id": "RX-national-suite-5", "name": "Ibuprofen", "strength": "400 mg",
         "form": "Tablett", "atcCode": None, "nplId": None},
        {"id": "RX-national-suite-4", "name": "Stödstrumpa klass 2", "strength": None,
         "form": None, "atcCode": None, "nplId": None},
    ]  # fmt: skip


def _record(header_unit: str, prescriber_unit: str) -> str:
    unit = "<c:healthcareProfessionalCareUnitHSAId>{}</c:healthcareProfessionalCareUnitHSAId>"
    return (
        "<r:medicationMedicalRecord><c:medicationMedicalRecordHeader>"
        "<c:documentId>D1</c:documentId><c:sourceSystemHSAId>SE2321000057-7P8R"
        "</c:sourceSystemHSAId><c:patientId><c:id>x</c:id><c:type>x</c:type></c:patientId>"
        "<c:accountableHealthcareProfessional><c:authorTime>20261101093000</c:authorTime>"
        f"{unit.format(header_unit) if header_unit else ''}"
        "</c:accountableHealthcareProfessional><c:approvedForPatient>true</c:approvedForPatient>"
        "</c:medicationMedicalRecordHeader><c:medicationMedicalRecordBody>"
        "<c:medicationPrescription><c:prescriptionId><c:root>r</c:root>"
        "<c:extension>RX-1</c:extension></c:prescriptionId>"
        "<c:typeOfPrescription>I</c:typeOfPrescription>"
        "<c:prescriptionStatus>Active</c:prescriptionStatus><c:prescriber>"
        f"<c:authorTime>20261101093000</c:authorTime>{unit.format(prescriber_unit)}"
        "</c:prescriber><c:startOfTreatment>20261101093000</c:startOfTreatment>"
        "<c:selfMedication>false</c:selfMedication><c:drug><c:unstructuredDrugInformation>"
        "<c:unstructuredInformation>Salva</c:unstructuredInformation>"
        "</c:unstructuredDrugInformation></c:drug></c:medicationPrescription>"
        "</c:medicationMedicalRecordBody></r:medicationMedicalRecord>"
    )


@pytest.mark.parametrize(
    ("header_unit", "prescriber_unit", "shown"),
    [(TENHULT, "SE2321000057-5RB2", ["RX-1"]), ("", TENHULT, [])],
)
def test_the_unit_is_the_record_headers_never_the_prescribers(
    mock_admin: Admin,
    ordinations: Callable[..., requests.Response],
    patients: dict[str, str],
    header_unit: str,
    prescriber_unit: str,
    shown: list[str],
) -> None:
    body = (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><r:GetMedicationHistoryResponse '
        f'xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}">{_record(header_unit, prescriber_unit)}'
        "<r:result><c:resultCode>OK</c:resultCode><c:logId>1</c:logId></r:result>"
        "</r:GetMedicationHistoryResponse></s:Body></s:Envelope>"
    )
    stub = {"operation": "GetMedicationHistory", "status": 200, "body": body, "times": 1}
    assert mock_admin("POST", "stubs", json=stub).status_code == 201
    assert [o["id"] for o in listed(ordinations(patients["no-records"]))] == shown


PRODUCT = {"name": "Alvedon", "nplId": "19750613000024"}
PACK = {"packName": "Alvedon 500 mg 20 st", "nplPackId": "19750613100011"}
WHO = {"time": "2026-01-02T03:04:05", "name": "Doktor"}


def _dataset(**record: Any) -> dict[str, Any]:
    base = {
        "documentId": "D1",
        "careUnitHSAId": TENHULT,
        "authorTime": "2026-01-02T03:04:05",
        "prescriptionId": "RX1",
        "drug": PRODUCT,
    }
    return {"patients": [{"id": "191212121212", "records": [{**base, **record}]}]}


@pytest.mark.parametrize(
    ("record", "says"),
    [
        ({"drug": {**PRODUCT, **PACK}}, "a drug is exactly one of"),
        ({"drug": {"name": "Alvedon"}}, "give nplId and name together"),
        ({"drug": {**PRODUCT, "dosages": [{"dosageInstruction": "1 dagligen"}]}},
         "a dosage needs singleDose or unstructuredDosage"),
        ({"dispensationAuthorization": {"id": "E1", "authorizer": WHO, "totalAmount": 1,
          "prescriptionSignatura": "1 dagligen"}}, "give totalAmount and packageUnit together"),
        ({"administrations": [{"id": "A1", "administeredBy": WHO}]},
         "an administration needs start or end"),
        ({"administrations": [{"id": "A1", "start": "2026-01-02T03:04:05", "administeredBy": WHO,
          "drug": {**PRODUCT, "dosageInstruction": "1 dagligen"}}]},
         "an administered dosage has no dosageInstruction"),
    ],
)  # fmt: skip
def test_dataset_documents_refuse_what_the_contract_forbids(
    mock_admin: Admin, record: dict[str, Any], says: str
) -> None:
    response = mock_admin("PUT", "dataset", json=_dataset(**record))
    assert response.status_code == 400
    assert says in response.json()["detail"]


def test_a_dataset_document_can_give_every_shape(
    mock_admin: Admin, cosmic_call: Callable[..., requests.Response]
) -> None:
    """What the default dataset's national-suite patient has, a test team can PUT again."""
    dataset = mock_admin("GET", "dataset").json()
    suite = next(p for p in dataset["patients"] if p["label"] == "national-suite")
    reserve = next(p for p in dataset["patients"] if p["label"] == "reserve-number")
    put = mock_admin("PUT", "dataset", json={"patients": [suite, reserve]})
    assert put.status_code == 200, put.text
    for patient, count in ((suite, 6), (reserve, 1)):
        answer = cosmic_call(patientId={"id": patient["id"], "type": patient.get("idType") or PNR})
        assert answer.status_code == 200
        records = etree.fromstring(answer.content).iter(
            f"{{{RESPONDER_NS}}}medicationMedicalRecord"
        )
        assert len(list(records)) == count
