"""Web booking over real HTTP: the gateway's appointments and slots against the Cosmic mock's
crm:scheduling, with the clock pinned (2026-11-25 10:00 in Stockholm) so that "after now" and
late cancellation are exact. The mock is driven only through its admin API."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from contracts.clock import STOCKHOLM
from etjanst.server import RunningServer, combined_app, serve_in_thread
from gateway.auth import mint_token
from gateway.domain.booking import Named, Timeslot
from gateway.services.slot_ids import SlotIds
from tests.conftest import ADMIN, SECRET, TENHULT, make_settings, metric
from tests.integration.test_errors import problem

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=STOCKHOLM)
HEART = "SE2321000057-4K1C"
BLOOD_CENTRE = "SE2321000057-5SXK"
Call = Callable[..., requests.Response]


@pytest.fixture(scope="module")
def booking_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    state = tmp_path_factory.mktemp("booking")
    settings = make_settings(
        now=NOW.isoformat(),
        today=None,
        upstreams={"cosmic": {"read_timeout_s": 5.0}},
    )
    running = serve_in_thread(lambda url: combined_app(settings, url, Path(state)))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def url(booking_server: RunningServer) -> str:
    return booking_server.url


@pytest.fixture(scope="module")
def people(url: str) -> dict[str, str]:
    listed = requests.get(f"{url}{ADMIN}/patients", timeout=10).json()["patients"]
    return {p["label"]: p["id"] for p in listed}


@pytest.fixture
def admin(url: str) -> Iterator[Call]:
    """The Cosmic mock's admin API; the mock is reset (bookings too) after each test."""

    def call(method: str, path: str, **kwargs: object) -> requests.Response:
        return requests.request(method, f"{url}{ADMIN}/{path}", timeout=10, **kwargs)  # type: ignore[arg-type]

    requests.delete(f"{url}{ADMIN}/journal", timeout=10).raise_for_status()
    yield call
    requests.post(f"{url}{ADMIN}/reset", timeout=10).raise_for_status()


@pytest.fixture
def api(url: str, admin: Call) -> Call:
    """A gateway call as `subject` (optionally acting for a child)."""

    def call(
        method: str,
        path: str,
        subject: str,
        act_for: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: object,
    ) -> requests.Response:
        auth = {"Authorization": f"Bearer {mint_token(SECRET, subject, act_for)}"}
        return requests.request(  # type: ignore[arg-type]
            method, f"{url}{path}", headers={**auth, **(headers or {})}, timeout=30, **kwargs
        )

    return call


def sent(admin: Call, operation: str) -> list[dict]:
    """The journal's exchanges of one operation (what the gateway sent the mock)."""
    journal = admin("GET", "journal").json()["exchanges"]
    return [e for e in journal if e["operation"] == operation]


def free_slots(api: Call, who: str, unit: str = TENHULT, **query: str) -> list[dict]:
    params = {"from": "2026-11-25", "to": "2026-11-27", **query}
    response = api("GET", f"/v1/units/{unit}/slots", who, params=params)
    assert response.status_code == 200, response.text
    return response.json()["slots"]


# seeing -------------------------------------------------------------------------------------
def test_appointments_with_the_unit_s_and_the_producer_s_flags(
    api: Call, people: dict[str, str]
) -> None:
    response = api("GET", f"/v1/units/{TENHULT}/appointments", people["booked-appointments"])
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"hsaId": TENHULT, "name": "Tenhults vårdcentral"}
    by_id = {a["id"]: a for a in body["appointments"]}
    assert list(by_id) == ["BK-TENHULT-4", "BK-TENHULT-1", "BK-TENHULT-3", "BK-TENHULT-2"]
    first = by_id["BK-TENHULT-4"]
    assert first["start"] == "2026-11-26T07:00:00+01:00"
    assert first["end"] == "2026-11-26T07:15:00+01:00"
    assert first["timeType"] == {"id": "LAB15", "name": "Provtagning"}
    assert first["careType"] == {"id": "PV", "name": "Primärvård"}
    assert first["facility"] == {"hsaId": TENHULT, "name": "Tenhults vårdcentral"}
    assert first["performer"]["id"] == "SE2321000057-T1002"
    assert (first["canCancel"], first["canRebook"], first["lateCancellation"]) == (True, True, True)
    assert by_id["BK-TENHULT-1"]["lateCancellation"] is False  # a week ahead
    assert by_id["BK-TENHULT-2"]["canCancel"] is False  # marked by the unit
    assert by_id["BK-TENHULT-3"]["canRebook"] is False
    assert "24 timmar" in body["notice"]


def test_a_unit_offering_view_and_cancel_only(api: Call, people: dict[str, str]) -> None:
    body = api("GET", f"/v1/units/{HEART}/appointments", people["booked-appointments"]).json()
    by_id = {a["id"]: a for a in body["appointments"]}
    assert set(by_id) == {"BK-RYHOV-1", "BK-RYHOV-2"}
    assert not any(a["canRebook"] for a in by_id.values())  # the unit does not offer it
    assert all(a["canCancel"] for a in by_id.values())
    assert by_id["BK-RYHOV-2"]["lateCancellation"] is True  # 45 h ahead, limit 72 h
    assert by_id["BK-RYHOV-1"]["lateCancellation"] is False


def test_the_unit_registry_describes_web_booking(url: str) -> None:
    def unit(hsa_id: str) -> dict:
        return requests.get(f"{url}/v1/units/{hsa_id}", timeout=10).json()

    tenhult, heart, blood = unit(TENHULT), unit(HEART), unit(BLOOD_CENTRE)
    assert tenhult["webBooking"] == {
        "view": True,
        "cancel": True,
        "rebook": True,
        "book": True,
        "lateCancellationHours": 24,
    }
    assert tenhult["alternatives"] == []
    assert heart["webBooking"]["lateCancellationHours"] == 72
    assert (heart["webBooking"]["book"], heart["webBooking"]["rebook"]) == (False, False)
    assert heart["alternatives"] == ["book-appointment", "cancel-or-rebook-appointment"]
    assert "web-booking" in heart["services"] and heart["linked"] == ["SE2321000057-4K1D"]
    assert blood["webBooking"] is None
    assert blood["alternatives"] == ["book-appointment", "cancel-or-rebook-appointment"]


def test_a_missing_capability_names_the_case_type_instead(
    api: Call, people: dict[str, str], admin: Call
) -> None:
    who = people["booked-appointments"]
    blood = problem(
        api("GET", f"/v1/units/{BLOOD_CENTRE}/appointments", who), 404, "SERVICE_NOT_OFFERED"
    )
    assert blood["alternative"] == "cancel-or-rebook-appointment"
    # checked before anything else about the request: a body that is not even JSON
    heart = problem(
        api("POST", f"/v1/units/{HEART}/appointments", who, data=b"{"), 404, "SERVICE_NOT_OFFERED"
    )
    assert heart["alternative"] == "book-appointment"
    rebook = api("PUT", f"/v1/units/{HEART}/appointments/BK-RYHOV-1", who, json={})
    assert problem(rebook, 404, "SERVICE_NOT_OFFERED")["alternative"] == (
        "cancel-or-rebook-appointment"
    )
    slots = api("GET", f"/v1/units/{HEART}/slots", who)
    assert problem(slots, 404, "SERVICE_NOT_OFFERED")["alternative"] == "book-appointment"
    assert admin("GET", "journal").json()["exchanges"] == []  # nothing went upstream


# slots ---------------------------------------------------------------------------------------
def test_slots_start_after_now_and_filter_by_time_type(api: Call, people: dict[str, str]) -> None:
    who = people["booked-appointments"]
    slots = free_slots(api, who)
    starts = [s["start"] for s in slots]
    assert starts == sorted(starts)
    assert starts[0] == "2026-11-25T11:00:00+01:00"  # 08:00-10:00 have begun
    assert {s["timeType"]["id"] for s in slots} == {"LAK30", "SSK20", "LAB15"}
    doctor = free_slots(api, who, timeType="LAK30")
    assert doctor and {s["timeType"]["name"] for s in doctor} == {"Läkarbesök"}
    assert set(doctor[0]) == {"id", "start", "end", "timeType", "performer"}


def test_a_slot_search_covers_at_most_31_days_from_today(
    api: Call, people: dict[str, str], admin: Call
) -> None:
    who = people["adult-rules"]
    wide = free_slots(api, who, **{"from": "2020-01-01", "to": "2030-01-01"})
    assert wide[0]["start"].startswith("2026-11-25T11")  # today, after now
    (search,) = sent(admin, "GetAvailableTimeslots")
    assert ">20261125</" in search["request"]["body"] and ">20261225</" in search["request"]["body"]
    assert free_slots(api, who, **{"from": "2026-11-27", "to": "2026-11-26"}) == []
    assert free_slots(api, who, **{"from": "2026-11-20", "to": "2026-11-24"}) == []
    assert len(sent(admin, "GetAvailableTimeslots")) == 1  # nothing left to ask for


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-11-25"}, {"from": "25/11/2026", "to": "2026-11-26"}, {"to": "2026-11-26"}],
)
def test_a_bad_slot_search_is_a_bad_request(
    api: Call, people: dict[str, str], query: dict[str, str]
) -> None:
    response = api("GET", f"/v1/units/{TENHULT}/slots", people["adult-rules"], params=query)
    problem(response, 400, "INVALID_REQUEST")


# booking ------------------------------------------------------------------------------------
def test_book_then_see_it(api: Call, people: dict[str, str], admin: Call) -> None:
    who = people["adult-rules"]
    slot = free_slots(api, who)[0]
    booked = api("POST", f"/v1/units/{TENHULT}/appointments", who, json={"slotId": slot["id"]})
    assert booked.status_code == 201, booked.text
    appointment = booked.json()
    assert (appointment["start"], appointment["end"]) == (slot["start"], slot["end"])
    assert appointment["canCancel"] and appointment["lateCancellation"] is True
    assert booked.headers["Location"] == f"/v1/units/{TENHULT}/appointments/{appointment['id']}"
    again = api("GET", booked.headers["Location"], who).json()
    assert again["id"] == appointment["id"]
    listed = api("GET", f"/v1/units/{TENHULT}/appointments", who).json()["appointments"]
    assert [a["id"] for a in listed] == [appointment["id"]]
    assert slot["id"] not in [s["id"] for s in free_slots(api, who)]
    (make,) = sent(admin, "MakeBooking")
    assert "<ns0:LogicalAddress" in make["request"]["body"]
    assert f">{TENHULT}</ns0:LogicalAddress>" in make["request"]["body"]
    assert ">subject_of_care</" in make["request"]["body"]


def test_a_taken_slot_is_409(api: Call, people: dict[str, str]) -> None:
    slot = free_slots(api, people["adult-rules"])[0]
    first = api(
        "POST",
        f"/v1/units/{TENHULT}/appointments",
        people["adult-rules"],
        json={"slotId": slot["id"]},
    )
    assert first.status_code == 201
    second = api(
        "POST",
        f"/v1/units/{TENHULT}/appointments",
        people["no-records"],
        json={"slotId": slot["id"]},
    )
    assert "upptagen" in problem(second, 409, "SLOT_TAKEN")["detail"]


def test_slot_ids_the_gateway_did_not_issue(api: Call, people: dict[str, str], admin: Call) -> None:
    who = people["adult-rules"]
    slot = free_slots(api, who)[0]
    path = f"/v1/units/{TENHULT}/appointments"
    problem(api("POST", path, who, json={"slotId": slot["id"][:-2] + "xx"}), 400, "INVALID_SLOT")
    problem(api("POST", path, who, json={"slotId": "made-up"}), 400, "INVALID_SLOT")
    began = Timeslot(
        start=NOW - timedelta(hours=1),
        end=NOW - timedelta(minutes=30),
        facility=Named(TENHULT, None),
        performer=Named("SE2321000057-T1001", None),
        time_type=Named("LAK30", None),
        care_type=None,
    )
    past = SlotIds(SECRET).issue(began)
    assert (
        "begun"
        in problem(api("POST", path, who, json={"slotId": past}), 400, "INVALID_SLOT")["detail"]
    )
    elsewhere = "/v1/units/SE2321000057-4K1D/appointments/BK-X"
    problem(api("PUT", elsewhere, who, json={"slotId": slot["id"]}), 404, "SERVICE_NOT_OFFERED")
    problem(api("POST", path, who, json={"message": "no slot"}), 400, "INVALID_REQUEST")
    assert sent(admin, "MakeBooking") == []


def test_the_same_idempotency_key_never_books_twice(
    api: Call, people: dict[str, str], admin: Call
) -> None:
    who = people["adult-rules"]
    slot = free_slots(api, who)[0]
    path = f"/v1/units/{TENHULT}/appointments"
    key = {"Idempotency-Key": "book-once-1"}
    body = {"slotId": slot["id"], "message": "Ont i ryggen"}
    first = api("POST", path, who, headers=key, json=body)
    again = api("POST", path, who, headers=key, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Location"] == first.headers["Location"]
    other = api("POST", path, who, headers=key, json={**body, "message": "Annat"})
    problem(other, 422, "IDEMPOTENCY_KEY_REUSED")
    assert len(sent(admin, "MakeBooking")) == 1


def test_a_retry_after_a_timeout_gets_the_first_answer(
    url: str, api: Call, people: dict[str, str], admin: Call
) -> None:
    who = people["adult-rules"]
    slot = free_slots(api, who)[0]
    slow = {"type": "latency", "ms": 2000, "operation": "MakeBooking", "times": 1}
    assert admin("POST", "faults", json=slow).status_code == 201
    headers = {
        "Authorization": f"Bearer {mint_token(SECRET, who)}",
        "Idempotency-Key": "retry-after-timeout",
    }
    with pytest.raises(requests.Timeout):
        requests.post(
            f"{url}/v1/units/{TENHULT}/appointments",
            headers=headers,
            json={"slotId": slot["id"]},
            timeout=0.5,
        )
    retried = api(
        "POST",
        f"/v1/units/{TENHULT}/appointments",
        who,
        headers={"Idempotency-Key": "retry-after-timeout"},
        json={"slotId": slot["id"]},
    )
    assert retried.status_code == 201, retried.text
    assert len(sent(admin, "MakeBooking")) == 1
    listed = api("GET", f"/v1/units/{TENHULT}/appointments", who).json()["appointments"]
    assert [a["id"] for a in listed] == [retried.json()["id"]]


# rebooking and cancelling ---------------------------------------------------------------------
def test_rebook_moves_the_appointment(api: Call, people: dict[str, str]) -> None:
    who = people["booked-appointments"]
    path = f"/v1/units/{TENHULT}/appointments/BK-TENHULT-1"
    slot = free_slots(api, who, rebook="BK-TENHULT-1")[0]
    assert slot["timeType"]["id"] == "LAK30"  # the booking's own time type
    moved = api("PUT", path, who, json={"slotId": slot["id"]})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["id"], moved.json()["start"]) == ("BK-TENHULT-1", slot["start"])
    listed = api("GET", f"/v1/units/{TENHULT}/appointments", who).json()["appointments"]
    assert {a["id"]: a["start"] for a in listed}["BK-TENHULT-1"] == slot["start"]


def test_flags_are_checked_before_the_producer_is_asked(
    api: Call, people: dict[str, str], admin: Call
) -> None:
    who = people["booked-appointments"]
    slot = free_slots(api, who)[0]
    rebook = api(
        "PUT", f"/v1/units/{TENHULT}/appointments/BK-TENHULT-3", who, json={"slotId": slot["id"]}
    )
    problem(rebook, 422, "REBOOK_NOT_ALLOWED")
    listing = api(
        "GET",
        f"/v1/units/{TENHULT}/slots",
        who,
        params={"from": "2026-11-25", "to": "2026-11-26", "rebook": "BK-TENHULT-3"},
    )
    problem(listing, 422, "REBOOK_NOT_ALLOWED")
    cancel = api("DELETE", f"/v1/units/{TENHULT}/appointments/BK-TENHULT-2", who)
    problem(cancel, 422, "CANCEL_NOT_ALLOWED")
    assert sent(admin, "UpdateBooking") == sent(admin, "CancelBooking") == []


def test_cancel_late_still_works_with_a_notice(api: Call, people: dict[str, str]) -> None:
    who = people["booked-appointments"]
    late = api("DELETE", f"/v1/units/{TENHULT}/appointments/BK-TENHULT-4", who)
    assert late.status_code == 200
    body = late.json()
    assert (body["id"], body["cancelled"], body["lateCancellation"]) == ("BK-TENHULT-4", True, True)
    assert "avgift" in body["notice"]
    early = api("DELETE", f"/v1/units/{TENHULT}/appointments/BK-TENHULT-1", who).json()
    assert (early["lateCancellation"], early["notice"]) == (False, None)
    listed = api("GET", f"/v1/units/{TENHULT}/appointments", who).json()["appointments"]
    assert [a["id"] for a in listed] == ["BK-TENHULT-3", "BK-TENHULT-2"]
    problem(
        api("DELETE", f"/v1/units/{TENHULT}/appointments/BK-TENHULT-4", who),
        404,
        "APPOINTMENT_NOT_FOUND",
    )


def test_nobody_acts_on_another_person_s_appointment(
    api: Call, people: dict[str, str], admin: Call
) -> None:
    other = people["adult-rules"]
    path = f"/v1/units/{TENHULT}/appointments/BK-TENHULT-1"
    for response in (
        api("GET", path, other),
        api("DELETE", path, other),
        api("PUT", path, other, json={"slotId": free_slots(api, other)[0]["id"]}),
    ):
        body = problem(response, 404, "APPOINTMENT_NOT_FOUND")
        assert people["booked-appointments"] not in json.dumps(body)
    assert sent(admin, "CancelBooking") == sent(admin, "UpdateBooking") == []


# proxy ---------------------------------------------------------------------------------------
def test_a_guardian_acts_for_a_child_under_13(
    api: Call, people: dict[str, str], admin: Call
) -> None:
    guardian, child = people["adult-rules"], people["child-12"]
    listed = api("GET", f"/v1/units/{TENHULT}/appointments", guardian, act_for=child).json()
    assert [a["id"] for a in listed["appointments"]] == ["BK-CHILD-1"]
    (schedule,) = sent(admin, "GetSubjectOfCareSchedule")
    assert ">subject_of_care_agent</" in schedule["request"]["body"]
    assert f"{guardian[:8]}****</ns1:actorId>" in schedule["request"]["body"]
    slot = free_slots(api, guardian)[0]
    booked = api(
        "POST",
        f"/v1/units/{TENHULT}/appointments",
        guardian,
        act_for=child,
        json={"slotId": slot["id"]},
    )
    assert booked.status_code == 201
    mine = api("GET", f"/v1/units/{TENHULT}/appointments", guardian).json()["appointments"]
    assert mine == []  # booked for the child, not for the guardian
    cancelled = api("DELETE", booked.headers["Location"], guardian, act_for=child)
    assert cancelled.status_code == 200


def test_a_guardian_may_not_act_for_a_child_of_13(api: Call, people: dict[str, str]) -> None:
    guardian, child = people["adult-rules"], people["child-turns-13-today"]
    for method, path in (
        ("GET", f"/v1/units/{TENHULT}/appointments"),
        ("DELETE", f"/v1/units/{TENHULT}/appointments/BK-CHILD-1"),
    ):
        problem(api(method, path, guardian, act_for=child), 403, "PROXY_NOT_ALLOWED")


# upstream trouble ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"type": "soap_fault", "code": "VP009", "message": "down"}, 502, "UPSTREAM_FAULT"),
        ({"type": "result", "resultCode": "ERROR", "message": "Fel"}, 502, "UPSTREAM_ERROR"),
        ({"type": "http_status", "status": 503}, 503, "UPSTREAM_UNAVAILABLE"),
        ({"type": "malformed"}, 502, "UPSTREAM_INVALID_RESPONSE"),
    ],
)
def test_upstream_failures_map_as_for_ordinations(
    api: Call, people: dict[str, str], admin: Call, fault: dict, status: int, code: str
) -> None:
    who = people["booked-appointments"]
    assert admin("POST", "faults", json={**fault, "operation": "CancelBooking"}).status_code == 201
    problem(api("DELETE", f"/v1/units/{TENHULT}/appointments/BK-TENHULT-1", who), status, code)


def test_an_info_result_is_a_success_with_a_notice(
    api: Call, people: dict[str, str], admin: Call
) -> None:
    who = people["adult-rules"]
    info = {"type": "result", "resultCode": "INFO", "message": "Kom 10 min innan", "times": 1}
    assert admin("POST", "faults", json={**info, "operation": "MakeBooking"}).status_code == 201
    slot = free_slots(api, who)[0]
    booked = api("POST", f"/v1/units/{TENHULT}/appointments", who, json={"slotId": slot["id"]})
    assert booked.status_code == 201 and booked.json()["notice"] == "Kom 10 min innan"


def test_unknown_elements_are_tolerated_and_counted_as_drift(
    url: str, api: Call, people: dict[str, str], admin: Call
) -> None:
    who = people["booked-appointments"]
    ns = "urn:riv:crm:scheduling:GetSubjectOfCareScheduleResponder:1"
    body = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<ns:GetSubjectOfCareScheduleResponse xmlns:ns="{ns}" xmlns:c="urn:riv:crm:scheduling:1"'
        ' xmlns:x="urn:example:newer">'
        "<ns:timeslotDetail><c:startTimeInclusive>20261201090000</c:startTimeInclusive>"
        "<c:endTimeExclusive>20261201093000</c:endTimeExclusive>"
        f"<c:healthcare_facility>{TENHULT}</c:healthcare_facility><c:bookingId>BK-NEW</c:bookingId>"
        "<c:videoLink>https://video.example/1</c:videoLink>"
        "<c:cancel_booking_allowed>true</c:cancel_booking_allowed>"
        "<x:room>12</x:room></ns:timeslotDetail>"
        "</ns:GetSubjectOfCareScheduleResponse></soap:Body></soap:Envelope>"
    )
    stub = {"operation": "GetSubjectOfCareSchedule", "body": body, "times": 1}
    assert admin("POST", "stubs", json=stub).status_code == 201

    def drift() -> float:
        text = requests.get(f"{url}/metrics", timeout=10).text
        return metric(
            text,
            "etjanst_upstream_drift_total",
            upstream="cosmic",
            operation="GetSubjectOfCareSchedule",
        )

    before = drift()
    response = api("GET", f"/v1/units/{TENHULT}/appointments", who)
    assert response.status_code == 200
    (only,) = response.json()["appointments"]
    assert (only["id"], only["start"], only["canCancel"]) == (
        "BK-NEW",
        "2026-12-01T09:00:00+01:00",
        True,
    )
    assert (only["canRebook"], only["timeType"], only["performer"]) == (
        False,
        {"id": None, "name": None},
        None,
    )
    assert drift() == before + 1


def test_concurrent_bookings_in_one_process_book_a_slot_once(
    api: Call, people: dict[str, str]
) -> None:
    slot = free_slots(api, people["adult-rules"])[0]
    who = [people[label] for label in ("adult-rules", "no-records", "linked-units", "many-records")]
    statuses: list[int] = []

    def book(person: str) -> None:
        response = api(
            "POST", f"/v1/units/{TENHULT}/appointments", person, json={"slotId": slot["id"]}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=book, args=(person,)) for person in who]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201, 409, 409, 409]
