"""How the contract report sorts what an answer holds against our contract documents: faults and
error bodies of the wrong shape, undeclared JSON fields, unknown values and the optional parts
no answer had. (Undeclared XML elements and enum values end to end: test_contract_report.py.)"""

from __future__ import annotations

import json

from contracts.cosmic import CORE_NS, RESPONDER_NS
from contracts.ehm.nll import FHIR_JSON, SEARCH
from contracts.report.findings import OperationFindings
from contracts.report.rest import read_rest_answer
from contracts.report.soap import read_soap_answer
from contracts.riv import SOAP_ENV

FAULT = (
    f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><s:Fault>{{parts}}</s:Fault></s:Body></s:Envelope>'
)
OUTCOME = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "invalid"}]}


def soap(status: int, body: str) -> OperationFindings:
    found = OperationFindings()
    read_soap_answer(status, body.encode(), found)
    return found


def rest(status: int, document: object, content_type: str = FHIR_JSON) -> OperationFindings:
    found = OperationFindings()
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    read_rest_answer(SEARCH, status, content_type, body, found)
    return found


def kinds(found: OperationFindings) -> list[tuple[str, str]]:
    return [(str(d.kind), d.path) for d in found.sorted_drift()]


def test_a_soap_1_1_fault_is_no_drift() -> None:
    parts = "<faultcode>s:Client</faultcode><faultstring>VP009 no</faultstring>"
    assert kinds(soap(500, FAULT.format(parts=parts))) == []


def test_a_fault_of_another_shape_is_a_changed_fault_shape() -> None:
    parts = "<faultcode>Client</faultcode><reason>no</reason>"
    assert kinds(soap(200, FAULT.format(parts=parts))) == [
        ("fault-shape", "Fault"),  # HTTP 200
        ("fault-shape", "Fault/faultcode"),  # not a SOAP QName
        ("fault-shape", "Fault/faultstring"),  # missing
        ("fault-shape", "Fault/reason"),  # not a part of a Fault
    ]


def test_an_error_that_is_not_soap_is_a_changed_fault_shape() -> None:
    found = soap(503, "<html>Service Unavailable</html>")
    assert kinds(found) == [("fault-shape", "Envelope")]
    assert found.sorted_drift()[0].example == "<html>Service Unavailable</html>"


def test_an_answer_of_another_contract_is_undeclared() -> None:
    body = (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><x:Other xmlns:x="urn:x"/></s:Body></s:Envelope>'
    )
    assert kinds(soap(200, body)) == [("undeclared", "Other")]


def test_missing_optional_elements_are_those_under_elements_seen() -> None:
    body = (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><r:GetMedicationHistoryResponse '
        f'xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}">'
        "<r:result><c:resultCode>OK</c:resultCode><c:logId>1</c:logId></r:result>"
        "</r:GetMedicationHistoryResponse></s:Body></s:Envelope>"
    )
    found = soap(200, body)
    assert kinds(found) == []
    assert found.missing_optional == [
        "GetMedicationHistoryResponse/medicationMedicalRecord",
        "GetMedicationHistoryResponse/result/errorCode",
        "GetMedicationHistoryResponse/result/message",
        "GetMedicationHistoryResponse/result/subCode",
    ]


def test_an_error_body_that_is_not_an_operation_outcome_is_a_changed_fault_shape() -> None:
    assert kinds(rest(400, OUTCOME)) == []
    assert kinds(rest(400, {"error": "bad"})) == [
        ("fault-shape", "$.issue"),
        ("fault-shape", "$.resourceType"),
        ("undeclared", "$.error"),
    ]
    assert kinds(rest(500, b"Internal Server Error", "text/html")) == [
        ("fault-shape", "(body)"),
        ("fault-shape", "(content type)"),
    ]
    assert kinds(rest(418, OUTCOME)) == [("fault-shape", "(status)")]


def test_json_fields_and_values_the_contract_does_not_know() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 0,
        "entry": [],
        "vendorField": {"patient": "196804152384"},
    }
    found = rest(200, bundle | {"type": "collection"})
    assert kinds(found) == [("undeclared", "$.vendorField"), ("unknown-value", "$.type")]
    undeclared = found.sorted_drift()[0]
    assert undeclared.example == '{"patient": "19680415****"}'
