"""Choice of care over real HTTP: the gateway's /v1/listing endpoints against the listing mock,
every path and every CreateListing result code. The mock is driven only through its admin API
and reset after each test, so each test starts from the default dataset."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from contracts.listing import UPSTREAM as LISTING
from contracts.riv import LOGICAL_ADDRESS
from gateway.domain.identity import with_check_digit
from mocks.people import people
from tests.conftest import TODAY

ADMIN = f"{LISTING.mock_path}/_admin"
TENHULT, EKSJO = "SE2321000057-5VTN", "SE2321000057-5RB2"
HUSKVARNA, GRANNA = "SE2321000057-5HQV", "SE2321000057-5GRN"
CHILDREN, VAXJO = "SE2321000057-5BUV", "SE2321000065-7SKV"
DOCTOR = "SE2321000057-P1001"
PV = {"code": "PV", "name": "Primärvårdslistning"}

Call = Callable[..., requests.Response]


@pytest.fixture
def admin(base_url: str, http: requests.Session) -> Iterator[Call]:
    """The listing mock's admin API; the mock is reset before and after the test."""

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return http.request(method, f"{base_url}{ADMIN}/{path}", timeout=30, **kwargs)

    call("POST", "reset").raise_for_status()
    yield call
    call("POST", "reset").raise_for_status()


@pytest.fixture
def citizens(admin: Call) -> dict[str, str]:
    return {c["label"]: c["id"] for c in admin("GET", "dataset").json()["citizens"]}


@pytest.fixture
def api(base_url: str, http: requests.Session, token: Callable[..., str]) -> Call:
    """`api(method, path, subject, act_for=None, **requests_kwargs)` with a bearer token."""

    def call(
        method: str, path: str, subject: str, act_for: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {token(subject, act_for)}",
            **kwargs.pop("headers", {}),
        }
        return http.request(method, f"{base_url}{path}", headers=headers, timeout=30, **kwargs)

    return call


def exchanges(admin: Call, operation: str) -> list[dict[str, Any]]:
    entries = admin("GET", "journal").json()["exchanges"]
    return [e for e in entries if e["operation"] == operation]


def logical_address(exchange: dict[str, Any]) -> str | None:
    envelope = etree.fromstring(exchange["request"]["body"].encode())
    return envelope.findtext(f".//{LOGICAL_ADDRESS}")


def listing(api: Call, subject: str, act_for: str | None = None) -> dict[str, Any]:
    response = api("GET", "/v1/listing", subject, act_for)
    assert response.status_code == 200, response.text
    return response.json()


def test_readme_table_of_test_citizens_is_the_default_dataset(citizens: dict[str, str]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Test citizens", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| `(\d{12})` \|", table, re.MULTILINE)
    assert dict(rows) == citizens


# --- seeing the listing ---------------------------------------------------------------------


def test_listed_citizen_sees_facility_doctor_and_changes_left(
    api: Call, citizens: dict[str, str]
) -> None:
    assert listing(api, citizens["listed"]) == {
        "county": "06",
        "listings": [
            {
                "type": PV,
                "facility": {"hsaId": TENHULT, "name": "Tenhults vårdcentral"},
                "personnel": {"hsaId": DOCTOR, "name": "Anna Lindqvist", "title": "Läkare"},
                "validFrom": "2024-11-25",
                "validTo": None,
                "inQueue": False,
                "queuePosition": None,
                "estimatedWait": None,
            }
        ],
        "changesLeft": 3,
        "notice": None,
    }


def test_a_citizen_never_seen_is_a_resident_without_listing(api: Call, admin: Call) -> None:
    stranger = with_check_digit("19870412567")
    assert listing(api, stranger) == {
        "county": "06",
        "listings": [],
        "changesLeft": None,
        "notice": None,
    }


def test_queue_place_shows_beside_the_listing(api: Call, citizens: dict[str, str]) -> None:
    body = listing(api, citizens["in-queue"])
    current, queued = body["listings"]
    assert (current["facility"]["hsaId"], current["inQueue"]) == (EKSJO, False)
    assert queued["facility"]["hsaId"] == HUSKVARNA
    assert (queued["inQueue"], queued["queuePosition"], queued["estimatedWait"]) == (True, 2, 90)
    assert queued["validFrom"] == "2026-11-05"
    assert body["changesLeft"] == 2


def test_listed_in_another_county_is_read_from_that_region(
    api: Call, admin: Call, citizens: dict[str, str]
) -> None:
    body = listing(api, citizens["other-county"])
    assert body["county"] == "07"
    assert [item["facility"]["hsaId"] for item in body["listings"]] == [VAXJO]
    (sent,) = exchanges(admin, "GetListing")
    assert logical_address(sent) == "07"
    (asked,) = exchanges(admin, "GetListingCounty")
    assert logical_address(asked) == "06"


def test_guardian_sees_the_childs_listing_as_guardian(
    api: Call, admin: Call, citizens: dict[str, str]
) -> None:
    body = listing(api, citizens["listed"], citizens["child-8"])
    assert [item["facility"]["hsaId"] for item in body["listings"]] == [TENHULT]
    (sent,) = exchanges(admin, "GetListing")
    assert "GUARDIAN</" in sent["request"]["body"]


def test_proxy_for_a_child_of_13_is_forbidden_without_asking_upstream(
    api: Call, admin: Call, citizens: dict[str, str]
) -> None:
    guardian = people(TODAY)["adult-rules"].number  # the register's guardian of this child
    child = citizens["child-turns-13-today"]
    for method, kwargs in (("GET", {}), ("POST", {"json": {"facilityHsaId": EKSJO}})):
        response = api(method, "/v1/listing", guardian, child, **kwargs)
        assert response.status_code == 403
        assert response.json()["code"] == "PROXY_NOT_ALLOWED"
    assert admin("GET", "journal").json()["exchanges"] == []


def test_info_result_is_a_success_with_notice(
    api: Call, admin: Call, citizens: dict[str, str]
) -> None:
    admin(
        "POST",
        "faults",
        json={
            "type": "result",
            "resultCode": "INFO",
            "message": "Planerat underhåll i kväll",
            "operation": "GetListing",
        },
    ).raise_for_status()
    body = listing(api, citizens["listed"])
    assert body["notice"] == "Planerat underhåll i kväll"
    assert len(body["listings"]) == 1


def test_soap_fault_is_upstream_fault(api: Call, admin: Call, citizens: dict[str, str]) -> None:
    admin(
        "POST", "faults", json={"type": "soap_fault", "code": "VP009", "times": 1}
    ).raise_for_status()
    response = api("GET", "/v1/listing", citizens["listed"])
    assert response.status_code == 502
    assert response.json()["code"] == "UPSTREAM_FAULT"


def test_no_token_is_401(base_url: str, http: requests.Session) -> None:
    for method, path in (
        ("GET", "/v1/listing"),
        ("POST", "/v1/listing"),
        ("GET", "/v1/listing/facilities"),
    ):
        assert http.request(method, f"{base_url}{path}", timeout=30).status_code == 401


# --- facilities and personnel -------------------------------------------------------------


def test_facilities_of_the_region_with_queue_and_personnel_choice(
    api: Call, citizens: dict[str, str]
) -> None:
    response = api("GET", "/v1/listing/facilities?type=PV", citizens["listed"])
    assert response.status_code == 200
    by_id = {f["hsaId"]: f for f in response.json()["facilities"]}
    assert set(by_id) == {TENHULT, EKSJO, HUSKVARNA, GRANNA, CHILDREN}  # not Växjö: county 07
    assert by_id[HUSKVARNA] == {
        "hsaId": HUSKVARNA,
        "name": "Vårdcentralen Bra Liv Huskvarna",
        "hasQueue": True,
        "queueLength": 2,
        "estimatedWait": 90,
        "personnelChoice": True,
        "listingTypes": ["PV"],
    }
    assert (by_id[EKSJO]["hasQueue"], by_id[EKSJO]["queueLength"]) == (False, None)
    assert by_id[EKSJO]["personnelChoice"] is False


def test_facilities_of_another_type_and_a_malformed_type(
    api: Call, citizens: dict[str, str]
) -> None:
    other = api("GET", "/v1/listing/facilities?type=BVC", citizens["listed"])
    assert (other.status_code, other.json()) == (200, {"facilities": []})
    bad = api("GET", "/v1/listing/facilities?type=pv!", citizens["listed"])
    assert (bad.status_code, bad.json()["code"]) == (400, "INVALID_REQUEST")


def test_personnel_to_choose_at_a_facility(api: Call, citizens: dict[str, str]) -> None:
    response = api("GET", f"/v1/listing/facilities/{TENHULT.lower()}/personnel", citizens["listed"])
    assert response.status_code == 200
    body = response.json()
    assert body["facility"] == {"hsaId": TENHULT, "name": "Tenhults vårdcentral"}
    assert [p["title"] for p in body["personnel"]] == ["Läkare", "Läkare", "Distriktssköterska"]
    without = api("GET", f"/v1/listing/facilities/{EKSJO}/personnel", citizens["listed"])
    assert without.json()["personnel"] == []


def test_personnel_of_an_unknown_or_malformed_facility(api: Call, citizens: dict[str, str]) -> None:
    unknown = api("GET", "/v1/listing/facilities/SE2321000057-9ZZZ/personnel", citizens["listed"])
    assert (unknown.status_code, unknown.json()["code"]) == (404, "FACILITY_NOT_FOUND")
    malformed = api("GET", "/v1/listing/facilities/5VTN/personnel", citizens["listed"])
    assert (malformed.status_code, malformed.json()["code"]) == (400, "INVALID_FACILITY")


# --- choosing -------------------------------------------------------------------------------


def choose(api: Call, subject: str, act_for: str | None = None, **body: Any) -> requests.Response:
    return api("POST", "/v1/listing", subject, act_for, json=body)


def test_listing_with_a_chosen_doctor(api: Call, admin: Call, citizens: dict[str, str]) -> None:
    response = choose(api, citizens["not-listed"], facilityHsaId=TENHULT, personnelHsaId=DOCTOR)
    assert response.status_code == 201, response.text
    assert response.json() == {
        "county": "06",
        "listing": {
            "type": PV,
            "facility": {"hsaId": TENHULT, "name": "Tenhults vårdcentral"},
            "personnel": {"hsaId": DOCTOR, "name": "Anna Lindqvist", "title": "Läkare"},
            "validFrom": "2026-11-25",
            "validTo": None,
            "inQueue": False,
            "queuePosition": None,
            "estimatedWait": None,
        },
        "changesLeft": 2,
        "notice": None,
    }
    assert listing(api, citizens["not-listed"])["listings"] == [response.json()["listing"]]
    (sent,) = exchanges(admin, "CreateListing")
    assert "CITIZEN</" in sent["request"]["body"]
    assert logical_address(sent) == "06"


def test_relisting_cancels_the_queue_place(api: Call, citizens: dict[str, str]) -> None:
    response = choose(api, citizens["in-queue"], facilityHsaId=TENHULT)
    assert response.status_code == 201
    assert (
        response.json()["notice"]
        == "Din köplats till Vårdcentralen Bra Liv Huskvarna är borttagen."
    )
    after = listing(api, citizens["in-queue"])
    assert [(i["facility"]["hsaId"], i["inQueue"]) for i in after["listings"]] == [(TENHULT, False)]
    facilities = api("GET", "/v1/listing/facilities", citizens["in-queue"]).json()["facilities"]
    assert next(f for f in facilities if f["hsaId"] == HUSKVARNA)["queueLength"] == 1


def test_full_facility_queues_only_on_request(api: Call, citizens: dict[str, str]) -> None:
    refused = choose(api, citizens["not-listed"], facilityHsaId=HUSKVARNA)
    assert (refused.status_code, refused.json()["code"]) == (422, "FACILITY_FULL")
    queued = choose(api, citizens["not-listed"], facilityHsaId=HUSKVARNA, addToQueue=True)
    assert queued.status_code == 201
    place = queued.json()["listing"]
    assert (place["inQueue"], place["queuePosition"], place["estimatedWait"]) == (True, 3, 135)


def test_full_facility_without_queue_refuses_even_a_queue_request(
    api: Call, citizens: dict[str, str]
) -> None:
    refused = choose(api, citizens["not-listed"], facilityHsaId=GRANNA, addToQueue=True)
    assert (refused.status_code, refused.json()["code"]) == (422, "FACILITY_FULL")
    assert "not taking new patients" in refused.json()["detail"]


def test_yearly_limit_at_its_edge(api: Call, citizens: dict[str, str]) -> None:
    """Three changes in 12 months: the one made a year ago today no longer counts."""
    edge = citizens["limit-edge"]
    assert listing(api, edge)["changesLeft"] == 1
    last = choose(api, edge, facilityHsaId=TENHULT)
    assert (last.status_code, last.json()["changesLeft"]) == (201, 0)
    refused = choose(api, edge, facilityHsaId=EKSJO)
    assert (refused.status_code, refused.json()["code"]) == (422, "LISTING_CHANGE_LIMIT")
    assert listing(api, edge)["listings"][0]["facility"]["hsaId"] == TENHULT  # nothing changed


def test_limit_used_up_is_refused(api: Call, citizens: dict[str, str]) -> None:
    refused = choose(api, citizens["limit-used"], facilityHsaId=EKSJO)
    assert (refused.status_code, refused.json()["code"]) == (422, "LISTING_CHANGE_LIMIT")


def test_guardian_lists_a_child_as_guardian(
    api: Call, admin: Call, citizens: dict[str, str]
) -> None:
    guardian, child = citizens["listed"], citizens["child-8"]
    response = choose(api, guardian, child, facilityHsaId=EKSJO)
    assert response.status_code == 201
    assert listing(api, guardian, child)["listings"][0]["facility"]["hsaId"] == EKSJO
    assert listing(api, guardian)["listings"][0]["facility"]["hsaId"] == TENHULT  # not the guardian
    (sent,) = exchanges(admin, "CreateListing")
    assert "GUARDIAN</" in sent["request"]["body"]


def test_guardian_consent_needed(api: Call, citizens: dict[str, str]) -> None:
    refused = choose(api, citizens["listed"], citizens["child-consent"], facilityHsaId=TENHULT)
    assert (refused.status_code, refused.json()["code"]) == (422, "GUARDIAN_CONSENT_NEEDED")


def test_age_limit(api: Call, citizens: dict[str, str]) -> None:
    refused = choose(api, citizens["not-listed"], facilityHsaId=CHILDREN)
    assert (refused.status_code, refused.json()["code"]) == (422, "AGE_LIMIT")
    child = choose(api, citizens["listed"], citizens["child-8"], facilityHsaId=CHILDREN)
    assert child.status_code == 201


def test_plain_error_is_upstream_error(api: Call, admin: Call, citizens: dict[str, str]) -> None:
    admin(
        "POST",
        "faults",
        json={
            "type": "result",
            "resultCode": "ERROR",
            "message": "Tekniskt fel",
            "operation": "CreateListing",
        },
    ).raise_for_status()
    response = choose(api, citizens["not-listed"], facilityHsaId=TENHULT)
    assert (response.status_code, response.json()["code"]) == (502, "UPSTREAM_ERROR")
    assert listing(api, citizens["not-listed"])["listings"] == []


def test_unknown_facility_and_personnel(api: Call, citizens: dict[str, str]) -> None:
    unknown = choose(api, citizens["not-listed"], facilityHsaId="SE2321000057-9ZZZ")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "FACILITY_NOT_FOUND")
    nobody = choose(
        api, citizens["not-listed"], facilityHsaId=EKSJO, personnelHsaId="SE2321000057-P1001"
    )
    assert (nobody.status_code, nobody.json()["code"]) == (422, "PERSONNEL_NOT_AVAILABLE")


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"facilityHsaId": "5VTN"},
        {"facilityHsaId": TENHULT, "addToQueue": "yes"},
        {"facilityHsaId": TENHULT, "extra": 1},
    ],
)
def test_invalid_body_is_400(api: Call, citizens: dict[str, str], body: Any) -> None:
    response = api("POST", "/v1/listing", citizens["listed"], json=body)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST")


# --- Idempotency-Key ----------------------------------------------------------------------


def test_same_key_same_body_changes_once(api: Call, admin: Call, citizens: dict[str, str]) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"facilityHsaId": TENHULT}
    first = api("POST", "/v1/listing", citizens["not-listed"], json=body, headers=key)
    again = api("POST", "/v1/listing", citizens["not-listed"], json=body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(exchanges(admin, "CreateListing")) == 1
    assert listing(api, citizens["not-listed"])["changesLeft"] == 2


def test_same_key_other_body_is_refused(api: Call, citizens: dict[str, str]) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api(
        "POST", "/v1/listing", citizens["not-listed"], json={"facilityHsaId": TENHULT}, headers=key
    )
    other = api(
        "POST", "/v1/listing", citizens["not-listed"], json={"facilityHsaId": EKSJO}, headers=key
    )
    assert first.status_code == 201
    assert (other.status_code, other.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")


def test_a_refused_request_may_be_retried_with_its_key(
    api: Call, admin: Call, citizens: dict[str, str]
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    admin("POST", "faults", json={"type": "soap_fault", "operation": "CreateListing", "times": 1})
    body = {"facilityHsaId": TENHULT}
    failed = api("POST", "/v1/listing", citizens["not-listed"], json=body, headers=key)
    retried = api("POST", "/v1/listing", citizens["not-listed"], json=body, headers=key)
    assert (failed.status_code, retried.status_code) == (502, 201)
    assert "Idempotent-Replayed" not in retried.headers


def test_keys_are_per_caller(api: Call, citizens: dict[str, str]) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"facilityHsaId": TENHULT}
    one = api("POST", "/v1/listing", citizens["not-listed"], json=body, headers=key)
    other = api("POST", "/v1/listing", citizens["listed"], json=body, headers=key)
    assert (one.status_code, other.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in other.headers


def test_malformed_key_is_400(api: Call, citizens: dict[str, str]) -> None:
    response = api(
        "POST",
        "/v1/listing",
        citizens["listed"],
        json={"facilityHsaId": TENHULT},
        headers={"Idempotency-Key": "x" * 256},
    )
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST")
