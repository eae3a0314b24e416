"""The Cosmic mock's crm:scheduling as a client other than the gateway sees it: each interaction
at its RIV-TA endpoint with its WSDL, the LogicalAddress and Actor headers required, requests
validated against our XSD, faults per operation and patient."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
import zeep
from lxml import etree

from contracts.cosmic.scheduling import BY_OPERATION
from tests.conftest import TENHULT
from tests.integration.scheduling_requests import post_scheduling

Send = Callable[..., requests.Response]
PATIENT = "191212121212"
ACTOR = {"actorId": PATIENT, "actorType": "subject_of_care"}


@pytest.fixture
def send(
    base_url: str, http: requests.Session, mock_admin: Callable[..., requests.Response]
) -> Send:
    """Build a request with zeep from our WSDL and post it straight to the mock."""

    def call(operation: str, headers: dict[str, object], **arguments: object) -> requests.Response:
        return post_scheduling(http, base_url, operation, headers, **arguments)

    return call


def fault_text(response: requests.Response) -> str:
    assert response.status_code == 500
    return etree.fromstring(response.content).findtext(".//faultstring") or ""


def schedule(send: Send, headers: dict[str, object], patient: str = PATIENT) -> requests.Response:
    return send(
        "GetSubjectOfCareSchedule", headers, healthcare_facility=TENHULT, subject_of_care=patient
    )


def test_every_interaction_serves_its_wsdl(base_url: str) -> None:
    for operation in BY_OPERATION:
        client = zeep.Client(f"{base_url}/mocks/cosmic/{operation}/1/rivtabp21?wsdl")
        assert operation in client.service._operations


def test_the_actor_header_is_required(send: Send) -> None:
    assert "Actor" in fault_text(schedule(send, {"LogicalAddress": TENHULT}))
    wrong = {"LogicalAddress": TENHULT, "Actor": {"actorId": PATIENT, "actorType": "doctor"}}
    assert "Actor header violates the schema" in fault_text(schedule(send, wrong))


def test_the_logical_address_is_the_care_unit_case_insensitively(send: Send) -> None:
    assert schedule(send, {"LogicalAddress": TENHULT.lower(), "Actor": ACTOR}).status_code == 200
    other = schedule(send, {"LogicalAddress": "SE2321000057-7P8R", "Actor": ACTOR})
    assert "is not the care unit" in fault_text(other)


def test_requests_are_validated_against_our_xsd(send: Send) -> None:
    bad = schedule(send, {"LogicalAddress": TENHULT, "Actor": ACTOR}, patient="19121212-1212")
    assert "violates the schema" in fault_text(bad)


def test_faults_match_the_patient_of_a_booking(
    send: Send, mock_admin: Callable[..., requests.Response]
) -> None:
    rule = {"type": "soap_fault", "operation": "MakeBooking", "match": {"patient": PATIENT}}
    assert mock_admin("POST", "faults", json=rule).status_code == 201

    def book(patient: str) -> requests.Response:
        return send(
            "MakeBooking",
            {"LogicalAddress": TENHULT, "Actor": {**ACTOR, "actorId": patient}},
            healthcare_facility_med=TENHULT,
            requestedTimeslot={
                "startTimeInclusive": "20261201080000",
                "healthcare_facility": TENHULT,
                "performer": "SE2321000057-T1001",
                "subject_of_care": patient,
            },
            subject_of_care_info={"firstName": "Test", "lastName": "Testsson"},
        )

    assert "VP009" in fault_text(book(PATIENT))
    other = book("195211034573")
    assert other.status_code == 200 and b"<ns:resultCode>OK<" in other.content
    again = book("198306213169")  # the slot is now taken
    assert b"Tiden har blivit upptagen av annan patient" in again.content


def test_the_schedule_is_the_subject_of_care_s_own(send: Send) -> None:
    headers = {"LogicalAddress": TENHULT, "Actor": ACTOR}
    nobody = schedule(send, headers)  # PATIENT has no bookings; others at Tenhult do
    assert nobody.status_code == 200 and b"timeslotDetail" not in nobody.content
    assert b"timeslotDetail" in schedule(send, headers, patient="197903162381").content
