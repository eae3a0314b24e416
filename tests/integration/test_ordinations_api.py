"""GET /v1/units/{unit}/ordinations over real HTTP: gateway -> Cosmic mock, every rule of the
e-service on the default dataset (today pinned to 2026-11-25)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import groupby

import requests

from contracts.privacy import mask_text
from tests.conftest import PNR_OID, TENHULT, TODAY

Get = Callable[..., requests.Response]
EKSJO = "SE2321000057-5RB2"  # offers renew prescription, linked to no other unit
ADULT_LIST = [
    "Kaliumklorid mixtur 1 mmol/ml (extempore)",  # unstructured drug information
    "Levaxin 100 mikrog tablett 100 st",  # NPL pack name when there is no NPL id
    "Waran",
    "Alvedon",
    "Enalapril Actavis",  # renewed chain: once, from its latest record
    "Metformin Sandoz",  # the window's first day
]


def names(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [o["name"] for o in response.json()["ordinations"]]


def journal(mock_admin: Callable[..., requests.Response]) -> list[dict]:
    return mock_admin("GET", "journal").json()["exchanges"]


def test_adult_sees_the_filtered_list(ordinations: Get, patients: dict[str, str]) -> None:
    response = ordinations(patients["adult-rules"])
    body = response.json()
    assert body["unit"] == {"hsaId": TENHULT, "name": "Tenhults vårdcentral"}
    assert body["listAvailable"] is True
    assert body["reason"] is None
    assert body["manualEntryAllowed"] is True
    assert body["windowStart"] == "2021-11-25"
    assert body["notice"] is None
    assert names(response) == ADULT_LIST
    # absent: discontinued Simvastatin, Furix from the day before the window, nullified
    # Omeprazol, unapproved Sertralin, Seloken ZOC from an unlinked unit


def test_entries_carry_name_strength_form_and_codes(
    ordinations: Get, patients: dict[str, str]
) -> None:
    by_name = {o["name"]: o for o in ordinations(patients["adult-rules"]).json()["ordinations"]}
    assert by_name["Alvedon"] == {
        "id": "RX-adult-rules-1",
        "name": "Alvedon",
        "strength": "500 mg",
        "form": "Tablett",
        "atcCode": "N02BE01",
        "nplId": "19750613000024",
        "prescribedOn": "2026-10-26",
        "unitHsaId": TENHULT,
    }
    assert by_name["Waran"]["strength"] == "2,5 mg"
    assert by_name["Enalapril Actavis"]["prescribedOn"] == "2026-05-09"
    assert by_name["Metformin Sandoz"]["prescribedOn"] == "2021-11-25"


def test_gateway_asks_cosmic_for_the_window_and_unit_with_riv_headers(
    ordinations: Get, patients: dict[str, str], mock_admin: Callable[..., requests.Response]
) -> None:
    mock_admin("DELETE", "journal")
    ordinations(patients["adult-rules"], **{"X-Correlation-ID": "trace-42"})
    (exchange,) = journal(mock_admin)
    request = exchange["request"]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert (
        headers["soapaction"]
        .strip('"')
        .endswith("GetMedicationHistoryResponder:2:GetMedicationHistory")
    )
    assert headers["x-skltp-correlation-id"] == "trace-42"
    assert headers["x-rivta-original-serviceconsumer-hsaid"] == "SE2321000057-E1177"
    body = request["body"]
    assert ">SE2321000057-7P8R</" in body  # LogicalAddress
    assert ">SE2321000057-5VTN</" in body  # careUnitHSAId
    assert ">20211125</" in body and ">20261125</" in body  # datePeriod
    assert ">1.2.752.129.2.1.3.1</" in body
    assert patients["adult-rules"] not in body  # the journal on disk is masked


def test_linked_units_show_together(ordinations: Get, patients: dict[str, str]) -> None:
    linked = patients["linked-units"]
    expected = ["NovoRapid FlexPen", "Seloken ZOC"]
    assert names(ordinations(linked, unit="SE2321000057-4K1C")) == expected
    assert names(ordinations(linked, unit="SE2321000057-4K1D")) == expected
    assert names(ordinations(linked, unit=TENHULT)) == ["Alvedon"]


def test_unit_id_is_case_insensitive(ordinations: Get, patients: dict[str, str]) -> None:
    response = ordinations(patients["adult-rules"], unit="se2321000057-5rb2")
    assert response.json()["unit"]["hsaId"] == "SE2321000057-5RB2"
    assert names(response) == ["Seloken ZOC"]


def test_samordningsnummer(
    ordinations: Get, patients: dict[str, str], mock_admin: Callable[..., requests.Response]
) -> None:
    mock_admin("DELETE", "journal")
    assert names(ordinations(patients["samordningsnummer"])) == ["Alvedon"]
    (exchange,) = journal(mock_admin)
    assert ">1.2.752.129.2.1.3.3</" in exchange["request"]["body"]  # asked as a samordningsnummer


def test_no_records_is_an_empty_list(ordinations: Get, patients: dict[str, str]) -> None:
    assert names(ordinations(patients["no-records"])) == []


def test_sixteenth_birthday_boundary_without_calling_cosmic(
    ordinations: Get, patients: dict[str, str], mock_admin: Callable[..., requests.Response]
) -> None:
    assert names(ordinations(patients["turns-16-today"])) == ["Alvedon"]
    mock_admin("DELETE", "journal")
    body = ordinations(patients["turns-16-tomorrow"]).json()
    assert (body["listAvailable"], body["reason"], body["ordinations"]) == (False, "UNDER_16", [])
    assert body["manualEntryAllowed"] is True
    assert journal(mock_admin) == []


def test_guardian_proxy_gets_no_list_and_cosmic_is_not_called(
    ordinations: Get, patients: dict[str, str], mock_admin: Callable[..., requests.Response]
) -> None:
    mock_admin("DELETE", "journal")
    body = ordinations(patients["adult-rules"], act_for=patients["child-12"]).json()
    assert (body["listAvailable"], body["reason"], body["ordinations"]) == (False, "PROXY", [])
    assert journal(mock_admin) == []


def test_proxy_for_a_child_of_13_is_forbidden(ordinations: Get, patients: dict[str, str]) -> None:
    response = ordinations(patients["adult-rules"], act_for=patients["child-turns-13-today"])
    assert response.status_code == 403
    assert response.json()["code"] == "PROXY_NOT_ALLOWED"


def stub_answer(
    mock_admin: Callable[..., requests.Response],
    answer: requests.Response,
    times: int = 1,
) -> None:
    """Serve `answer` (the mock's own reply to a direct call) verbatim to the gateway's next
    `times` calls. Identity numbers are masked first: stubs are kept on disk."""
    assert answer.status_code == 200, answer.text
    stub = {
        "operation": "GetMedicationHistory",
        "status": 200,
        "body": mask_text(answer.text),
        "times": times,
    }
    assert mock_admin("POST", "stubs", json=stub).status_code == 201


def test_gateway_enforces_rules_whatever_the_upstream_returns(
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Callable[..., requests.Response],
    cosmic_call: Get,
) -> None:
    """A producer that ignores careUnitHSAId and datePeriod and returns the patient's whole
    record: the gateway still lists only what the rules allow."""
    patient = patients["adult-rules"]
    whole_record = cosmic_call(patientId={"id": patient, "type": PNR_OID})
    # what the gateway must drop is in the answer: another unit's record, and old ones
    assert f">{EKSJO}<" in whole_record.text and ">Seloken ZOC<" in whole_record.text
    assert ">Furix<" in whole_record.text
    stub_answer(mock_admin, whole_record)
    assert names(ordinations(patient)) == ADULT_LIST
    assert mock_admin("GET", "stubs").json() == {"stubs": []}  # the stub was what it read


def test_records_of_an_unlinked_unit_are_dropped_by_the_gateway(
    ordinations: Get,
    patients: dict[str, str],
    mock_admin: Callable[..., requests.Response],
    cosmic_call: Get,
) -> None:
    """An answer holding only a record written at Eksjö, inside the window, whoever asked."""
    patient = patients["adult-rules"]
    eksjo_only = cosmic_call(
        patientId={"id": patient, "type": PNR_OID},
        careUnitHSAId=[EKSJO],
        datePeriod={"start": "20211125", "end": f"{TODAY:%Y%m%d}"},
    )
    stub_answer(mock_admin, eksjo_only, times=2)
    assert names(ordinations(patient, unit=TENHULT)) == []
    assert names(ordinations(patient, unit=EKSJO)) == ["Seloken ZOC"]  # the record is usable
    assert mock_admin("GET", "stubs").json() == {"stubs": []}


def test_large_list_of_2000_records(
    ordinations: Get, patients: dict[str, str], mock_admin: Callable[..., requests.Response]
) -> None:
    """1,000 chains of a first prescription and a renewal 3 days later (chain i first prescribed
    30 + (7i mod 2190) days before today), every 10th chain ending in a discontinuation. The
    renewal is in the window (2021-11-25 = today - 1826 days) when 27 + (7i mod 2190) <= 1826:
    7i mod 2190 <= 1799 holds for 833 of the 1,000 chains (7 is prime to 2190, so the values are
    distinct), 83 of them discontinued: 750 listed."""
    patient = patients["many-records"]
    dataset = mock_admin("GET", "dataset").json()
    records = next(p for p in dataset["patients"] if p["id"] == patient)["records"]
    assert len(records) == 2000
    by_chain = sorted(records, key=lambda r: (r["prescriptionChainId"], r["authorTime"]))
    latest = [list(chain)[-1] for _, chain in groupby(by_chain, lambda r: r["prescriptionChainId"])]
    start = date(2021, 11, 25)
    expected = sorted(
        (
            r
            for r in latest
            if r.get("typeOfPrescription", "I") != "U"  # absent fields take the defaults
            and datetime.fromisoformat(r["authorTime"]).date() >= start
            and r["careUnitHSAId"] == TENHULT
            and r.get("approvedForPatient", True)
            and not r.get("nullified", False)
        ),
        key=lambda r: r["authorTime"],
        reverse=True,
    )
    assert len(expected) == 750

    listed = ordinations(patient).json()["ordinations"]
    assert [o["id"] for o in listed] == [r["prescriptionId"] for r in expected]
    dates = [o["prescribedOn"] for o in listed]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 750  # newest first
    assert dates[-1] >= "2021-11-25"
