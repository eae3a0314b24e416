"""What the gateway relies on from the national medication list's MedicationRequest search
(FHIR R4). Unknown fields never fail a run: the gateway tolerates them and counts them."""

from __future__ import annotations

import requests

from contracts.ehm.nll import FHIR_JSON, PERSONNUMMER_SYSTEM, SEARCH
from gateway.domain.identity import Identity, parse_identity, with_check_digit
from gateway.upstreams.ehm_nll import NllClient

UNKNOWN = parse_identity(with_check_digit("19000101990"))  # born 1900: no records anywhere


def test_the_gateway_reads_the_patients_prescriptions(
    nll: NllClient, nll_patient: Identity
) -> None:
    found = nll.medication_list(nll_patient)
    assert found.prescriptions, "the test patient has prescriptions"
    for prescription in found.prescriptions:
        assert prescription.id and prescription.status
        assert prescription.name, f"{prescription.id} has no product name"
    known = {p.id for p in found.prescriptions}
    assert all(d.prescription_id in known for d in found.dispenses), (
        "every revincluded dispense points at a prescription of the Bundle"
    )


def test_an_unknown_patient_is_an_empty_searchset(nll: NllClient) -> None:
    assert nll.medication_list(UNKNOWN).prescriptions == []


def test_the_answer_is_fhir_json(nll: NllClient, raw: requests.Session) -> None:
    answer = raw.get(
        nll.http.endpoint(SEARCH),
        params={"patient.identifier": f"{PERSONNUMMER_SYSTEM}|{UNKNOWN.number}"},
        headers={"x-purpose": "PATIENT", "x-access": "CITIZEN", "Accept": FHIR_JSON},
        timeout=30,
    )
    assert answer.headers.get("Content-Type", "").startswith(FHIR_JSON)
    assert answer.json()["resourceType"] == "Bundle"


def test_a_search_without_purpose_is_refused_with_an_operation_outcome(
    nll: NllClient, raw: requests.Session
) -> None:
    answer = raw.get(
        nll.http.endpoint(SEARCH),
        params={"patient.identifier": f"{PERSONNUMMER_SYSTEM}|{UNKNOWN.number}"},
        timeout=30,
    )
    assert 400 <= answer.status_code < 500
    assert answer.json()["resourceType"] == "OperationOutcome"
