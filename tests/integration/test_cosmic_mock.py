"""The Cosmic mock on its own, over HTTP: contract behaviour, SOAP faults for bad requests,
and the admin API (dataset, stubs, faults, journal, reset)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
import zeep
from lxml import etree

from contracts.cosmic import RESPONDER_NS
from contracts.cosmic import UPSTREAM as COSMIC
from contracts.riv import REGISTRY_NS
from mocks.kit import soap as soap_kit
from tests.conftest import ADMIN, COSMIC_ENDPOINT, PNR_OID, TENHULT, post_to_cosmic

Admin = Callable[..., requests.Response]


def payload(response: requests.Response) -> etree._Element:
    return etree.fromstring(response.content)[1][0]


def fault_text(response: requests.Response) -> str:
    assert response.status_code == 500
    fault = payload(response)
    assert fault.findtext("faultcode") == "soap:Client"
    return fault.findtext("faultstring")


C = "{urn:riv:clinicalprocess:activityprescription:actoutcome:2}"
R = f"{{{RESPONDER_NS}}}"


def documents(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [d.text for d in payload(response).iter(f"{C}documentId")]


def test_wsdl_names_this_server_and_its_schemas_resolve(base_url: str) -> None:
    # fetches the WSDL and its XSDs over HTTP
    client = zeep.Client(f"{base_url}{COSMIC_ENDPOINT}?wsdl")
    address = (
        client.wsdl.services["GetMedicationHistoryResponderService"]
        .ports["GetMedicationHistoryResponderPort"]
        .binding_options["address"]
    )
    assert address == f"{base_url}{COSMIC_ENDPOINT}"


def test_filters_on_unit_period_status_and_chain(
    cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    patient = {"id": patients["adult-rules"], "type": PNR_OID}
    everything = documents(cosmic_call(patientId=patient))
    assert len(everything) == 13  # 14 records, the nullified one left out as producers do
    assert "DOC-adult-rules-8" not in everything
    eksjo = documents(cosmic_call(patientId=patient, careUnitHSAId=["SE2321000057-5RB2"]))
    assert eksjo == ["DOC-adult-rules-13"]
    window = documents(
        cosmic_call(patientId=patient, datePeriod={"start": "20211125", "end": "20261125"})
    )
    assert "DOC-adult-rules-14" not in window  # ended six years ago
    assert "DOC-adult-rules-7" in window  # begun before the period, still going: overlaps
    active = documents(cosmic_call(patientId=patient, prescriptionStatus="Active"))
    assert "DOC-adult-rules-2" not in active and "DOC-adult-rules-3" in active
    chain = documents(
        cosmic_call(
            patientId=patient, prescriptionChainId={"root": "x", "extension": "CH-adult-rules-2"}
        )
    )
    assert chain == ["DOC-adult-rules-2", "DOC-adult-rules-3"]


def test_source_system_must_equal_the_logical_address(
    cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    response = cosmic_call(
        patientId={"id": patients["adult-rules"], "type": PNR_OID},
        sourceSystemHSAId="SE2321000057-XXXX",
    )
    result = payload(response).find(f"{R}result")
    assert response.status_code == 200
    assert result.findtext(f"{C}resultCode") == "ERROR"
    assert result.findtext(f"{C}errorCode") == "INVALID_REQUEST"


def test_unknown_patient_is_ok_and_empty(cosmic_call: Callable[..., requests.Response]) -> None:
    response = cosmic_call(patientId={"id": "191212121212", "type": PNR_OID})
    assert documents(response) == []
    assert payload(response).findtext(f"{R}result/{C}resultCode") == "OK"


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (b"not xml", "not well-formed"),
        (b"<Envelope/>", "not a SOAP 1.1 Envelope"),
        (
            b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
            b"<x:Other xmlns:x='urn:x'/></s:Body></s:Envelope>",
            "unknown operation",
        ),
        (
            f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
            f'<r:GetMedicationHistory xmlns:r="{RESPONDER_NS}"/></s:Body></s:Envelope>'.encode(),
            "patientId",
        ),
        (
            f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
            f'<r:GetMedicationHistory xmlns:r="{RESPONDER_NS}" xmlns:c="{C[1:-1]}"><r:patientId>'
            f"<c:id>191212121212</c:id><c:type>{PNR_OID}</c:type></r:patientId>"
            f"</r:GetMedicationHistory></s:Body></s:Envelope>".encode(),
            "LogicalAddress",
        ),
    ],
)
def test_bad_requests_get_a_client_fault_naming_the_problem(
    http: requests.Session, base_url: str, body: bytes, names: str
) -> None:
    text = fault_text(post_to_cosmic(http, base_url, body))
    assert names in text
    assert "191212121212" not in text


def test_invalid_value_is_named_and_masked(
    cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    """The schema error quotes the offending value; when that value is an identity number, the
    fault (and so every log that keeps it) carries only its masked form."""
    patient = patients["adult-rules"]
    text = fault_text(
        cosmic_call(patientId={"id": patient, "type": PNR_OID}, datePeriod={"start": patient})
    )
    assert "start" in text and "not accepted" in text
    assert patient not in text
    assert f"'{patient[:8]}****'" in text


def test_xml_entities_are_not_expanded(http: requests.Session, base_url: str) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&e;'
        b"</s:Body></s:Envelope>"
    )
    response = post_to_cosmic(http, base_url, body)
    assert response.status_code == 500 and b"root:" not in response.content


def test_dataset_round_trip_and_validation(
    mock_admin: Admin, cosmic_call: Callable[..., requests.Response]
) -> None:
    dataset = {
        "patients": [
            {
                "id": "191212121212",
                "label": "mine",
                "records": [
                    {
                        "documentId": "D1",
                        "careUnitHSAId": TENHULT,
                        "authorTime": "2026-01-02T03:04:05",
                        "prescriptionId": "RX1",
                        "drug": {
                            "name": "Testdrog",
                            "nplId": "20200101000011",
                            "strength": 1,
                            "strengthUnit": "g",
                        },
                    }
                ],
            }
        ]
    }
    put = mock_admin("PUT", "dataset", json=dataset)
    assert put.status_code == 200 and put.json()["summary"] == {"patients": 1, "records": 1}
    assert documents(cosmic_call(patientId={"id": "191212121212", "type": PNR_OID})) == ["D1"]
    stored = mock_admin("GET", "dataset").json()
    assert stored["patients"][0]["records"][0]["typeOfPrescription"] == "I"


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"patients": [{"id": "191212121213"}]}, "check digit"),
        ({"patients": [{"id": "1912"}]}, "12 digits"),
        ({"patients": [{"id": "19990909R001", "idType": "not an oid"}]}, "idType"),
        ({"patients": [{"id": "191212121212", "records": [{"documentId": "x"}]}]}, "careUnitHSAId"),
        ({"patients": [], "surprise": 1}, "surprise"),
    ],
)
def test_bad_dataset_is_refused_and_nothing_changes(
    mock_admin: Admin, document: dict, says: str
) -> None:
    before = mock_admin("GET", "dataset").json()
    response = mock_admin("PUT", "dataset", json=document)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert says in response.json()["detail"]
    assert mock_admin("GET", "dataset").json() == before


def test_stub_served_verbatim_matched_and_counted(
    mock_admin: Admin, cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    stub = {
        "operation": "GetMedicationHistory",
        "status": 299,
        "body": "<canned/>",
        "match": {"patient": patients["no-records"]},
        "times": 2,
    }
    assert mock_admin("POST", "stubs", json=stub).status_code == 201
    other = cosmic_call(patientId={"id": patients["adult-rules"], "type": PNR_OID})
    assert other.status_code == 200
    for _ in range(2):
        canned = cosmic_call(patientId={"id": patients["no-records"], "type": PNR_OID})
        assert (canned.status_code, canned.text) == (299, "<canned/>")
    assert cosmic_call(patientId={"id": patients["no-records"], "type": PNR_OID}).status_code == 200
    assert mock_admin("GET", "stubs").json() == {"stubs": []}


@pytest.mark.parametrize(
    ("kind", "document", "status"),
    [
        ("faults", {"type": "earthquake"}, 400),
        ("faults", {"type": "latency", "ms": -1}, 400),
        ("faults", {"type": "soap_fault", "operation": "GetAllPerformers"}, 400),
        ("stubs", {"operation": "GetMedicationHistory"}, 400),
        ("stubs", {"operation": "GetMedicationHistory", "body": "x", "times": 0}, 400),
    ],
)
def test_bad_rules_are_refused(mock_admin: Admin, kind: str, document: dict, status: int) -> None:
    response = mock_admin("POST", kind, json=document)
    assert response.status_code == status
    assert response.json()["code"] in {"INVALID_DOCUMENT", "UNKNOWN_OPERATION"}
    assert mock_admin("GET", kind).json() == {kind: []}


def test_not_json_is_refused(mock_admin: Admin) -> None:
    response = mock_admin("POST", "faults", data="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400 and response.json()["code"] == "INVALID_JSON"


def test_journal_newest_last_with_raw_bodies_masked(
    mock_admin: Admin, cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    mock_admin("DELETE", "journal")
    cosmic_call(patientId={"id": patients["no-records"], "type": PNR_OID})
    cosmic_call(patientId={"id": patients["adult-rules"], "type": PNR_OID})
    exchanges = mock_admin("GET", "journal").json()["exchanges"]
    assert [e["operation"] for e in exchanges] == ["GetMedicationHistory"] * 2
    last = exchanges[-1]
    assert patients["adult-rules"][:8] + "****" in last["request"]["body"]
    assert patients["adult-rules"] not in last["request"]["body"] + last["response"]["body"]
    assert last["response"]["status"] == 200 and "DOC-adult-rules-1" in last["response"]["body"]
    assert set(last) == {"operation", "request", "response", "at"}
    assert mock_admin("GET", "journal", params={"limit": 1}).json()["exchanges"] == [last]


def test_reset_restores_the_default_dataset_and_clears_rules(mock_admin: Admin) -> None:
    mock_admin("PUT", "dataset", json={"patients": []})
    mock_admin("POST", "faults", json={"type": "malformed"})
    mock_admin("POST", "reset")
    assert len(mock_admin("GET", "dataset").json()["patients"]) == 11
    assert mock_admin("GET", "faults").json() == {"faults": []}


def test_logical_address_match(
    mock_admin: Admin, cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    mock_admin(
        "POST",
        "faults",
        json={"type": "soap_fault", "match": {"logicalAddress": "SE2321000057-OTHR"}},
    )
    patient = {"id": patients["no-records"], "type": PNR_OID}
    assert cosmic_call(patientId=patient).status_code == 200
    assert cosmic_call(logical_address="se2321000057-othr", patientId=patient).status_code == 500


def test_index_lists_the_mocks(http: requests.Session, base_url: str) -> None:
    cosmic = http.get(f"{base_url}/mocks/", timeout=10).json()["mocks"]["cosmic"]
    operations = [i.operation for i in COSMIC.interactions]
    assert cosmic["operations"] == operations
    assert cosmic["endpoints"]["GetMedicationHistory"] == f"{base_url}{COSMIC_ENDPOINT}"
    assert cosmic["endpoints"]["MakeBooking"] == f"{base_url}/mocks/cosmic/MakeBooking/1/rivtabp21"
    assert cosmic["wsdl"] == {op: f"{url}?wsdl" for op, url in cosmic["endpoints"].items()}
    # every link it gives answers
    assert http.get(cosmic["admin"], timeout=10).json()["endpoints"] == cosmic["endpoints"]
    assert http.get(cosmic["wsdl"]["GetMedicationHistory"], timeout=10).status_code == 200


def test_admin_lists_the_test_patients(http: requests.Session, base_url: str) -> None:
    listed = http.get(f"{base_url}{ADMIN}/patients", timeout=10).json()["patients"]
    by_label = {p["label"]: p["id"] for p in listed}
    dataset = http.get(f"{base_url}{ADMIN}/dataset", timeout=10).json()
    everyone = [*dataset["patients"], *dataset["scheduling"]["patients"]]
    assert by_label == {p["label"]: p["id"] for p in everyone}
    assert "adult-rules" in by_label and "many-records" in by_label


def test_registry_namespace_of_the_header_is_riv(cosmic_soap: zeep.Client) -> None:
    message = cosmic_soap.create_message(
        cosmic_soap.service,
        "GetMedicationHistory",
        _soapheaders={"LogicalAddress": "A"},
        patientId={"id": "1", "type": "2"},
    )
    assert message.find(f".//{{{REGISTRY_NS}}}LogicalAddress").text == "A"


def test_a_failing_handler_is_a_server_fault_and_a_journal_entry(
    cosmic_call: Callable[..., requests.Response],
    patients: dict[str, str],
    mock_admin: Admin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug in a handler (here: building the answer raises) still gets a SOAP fault, never an
    HTML page, and the exchange is in the journal. The server runs in this process."""

    def broken(self: object, element: object) -> object:
        raise KeyError(patients["adult-rules"])

    monkeypatch.setattr(soap_kit.Call, "validated", broken)
    mock_admin("DELETE", "journal")
    response = cosmic_call(patientId={"id": patients["adult-rules"], "type": PNR_OID})
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/xml")
    fault = payload(response)
    assert fault.findtext("faultcode") == "soap:Server"
    assert fault.findtext("faultstring") == "the mock failed: KeyError"
    (entry,) = mock_admin("GET", "journal").json()["exchanges"]
    assert entry["operation"] == "GetMedicationHistory" and entry["response"]["status"] == 500
