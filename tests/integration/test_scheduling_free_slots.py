"""GetAvailableTimeslots over HTTP as a booking client sees it, while the mock remembers each free
slot's XML: the whole answer valid against the responder XSD, a booked slot gone and back once
cancelled, and a changed dataset answered from at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from lxml import etree

from contracts.cosmic.scheduling import CORE_NS, GET_TIMESLOTS
from tests.conftest import TENHULT
from tests.integration.scheduling_requests import post_scheduling

PATIENT = "195211034573"
HEADERS = {"LogicalAddress": TENHULT, "Actor": {"actorId": PATIENT, "actorType": "subject_of_care"}}
DAY = "20261202"
SLOT = {"startTimeInclusive": f"{DAY}090000", "performer": "SE2321000057-T1001"}


@pytest.fixture
def send(base_url: str, http: requests.Session) -> Callable[..., requests.Response]:
    def call(operation: str, **arguments: Any) -> requests.Response:
        return post_scheduling(http, base_url, operation, HEADERS, **arguments)

    return call


def free_slots(send: Callable[..., requests.Response]) -> etree._Element:
    """The answer element for Tenhult's free slots on DAY, checked against the XSD whole."""
    response = send(
        "GetAvailableTimeslots",
        healthcare_facility=TENHULT,
        startDateInclusive=DAY,
        endDateInclusive=DAY,
    )
    assert response.status_code == 200, response.text
    answer = etree.fromstring(response.content).find(".//{*}Body")[0]
    schema = etree.XMLSchema(etree.parse(str(GET_TIMESLOTS.schema)))
    assert schema.validate(answer), schema.error_log
    return answer


def starts(answer: etree._Element) -> list[tuple[str | None, str | None]]:
    return [
        (
            slot.findtext(f"{{{CORE_NS}}}startTimeInclusive"),
            slot.findtext(f"{{{CORE_NS}}}performer"),
        )
        for slot in answer
    ]


def compact(moment: str) -> str:
    """A dataset's ISO moment as the contract writes it (yyyyMMddHHmmss)."""
    return moment.replace("-", "").replace("T", "").replace(":", "")


def test_a_booked_slot_leaves_the_free_ones_and_comes_back_when_cancelled(
    send: Callable[..., requests.Response], mock_admin: Callable[..., requests.Response]
) -> None:
    wanted = (SLOT["startTimeInclusive"], SLOT["performer"])
    before = starts(free_slots(send))
    assert wanted in before and len(before) > 1
    booked = send(
        "MakeBooking",
        healthcare_facility_med=TENHULT,
        requestedTimeslot={**SLOT, "healthcare_facility": TENHULT, "subject_of_care": PATIENT},
        subject_of_care_info={"firstName": "Test", "lastName": "Testsson"},
    )
    booking_id = etree.fromstring(booked.content).findtext(".//{*}bookingId")
    assert booking_id
    assert starts(free_slots(send)) == [s for s in before if s != wanted]
    cancelled = send("CancelBooking", healthcare_facility=TENHULT, bookingId=booking_id)
    assert b"<ns:resultCode>OK<" in cancelled.content
    assert starts(free_slots(send)) == before


def test_a_changed_dataset_shows_in_the_next_answer(
    send: Callable[..., requests.Response], mock_admin: Callable[..., requests.Response]
) -> None:
    names = {s.findtext(f"{{{CORE_NS}}}performerName") for s in free_slots(send)}
    assert "Anna Lindqvist, läkare" in names
    dataset = mock_admin("GET", "dataset").json()
    scheduling = dataset["scheduling"]
    (tenhult,) = [f for f in scheduling["facilities"] if f["hsaId"] == TENHULT]
    tenhult["performers"][0]["name"] = "Anna Lindqvist-Ek, läkare"
    on_day = [
        s
        for s in scheduling["slots"]
        if s["facility"] == TENHULT and compact(s["start"])[:8] == DAY
    ]
    for slot in on_day:  # both performers at each hour with one time type
        slot["timeTypeId"] = "LAK30"
    assert mock_admin("PUT", "dataset", json=dataset).status_code == 200
    answer = free_slots(send)
    names = {s.findtext(f"{{{CORE_NS}}}performerName") for s in answer}
    assert "Anna Lindqvist-Ek, läkare" in names and "Anna Lindqvist, läkare" not in names
    found = [
        (*start, s.findtext(f"{{{CORE_NS}}}timeTypeID"))
        for start, s in zip(starts(answer), answer, strict=True)
    ]
    assert sorted(found) == sorted((compact(s["start"]), s["performer"], "LAK30") for s in on_day)
