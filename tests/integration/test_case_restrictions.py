"""The offerings' restrictions over real HTTP: age from the identity number, the registered
county from the population register, the listing from the national listing service and a
referral, each applied to the patient (the child, for a guardian acting as proxy), in the
e-services list and when a case is sent; an upstream that cannot answer is never a pass."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.conftest import TENHULT
from tests.integration.conftest import send, staff_token

LOCAL_ADMIN = staff_token("local-admin")
QUESTIONS = [{"id": "message", "label": "Meddelande", "type": "longtext", "required": True}]


@pytest.fixture
def offering(staff) -> Iterator[Callable[..., str]]:
    """A local type at Tenhult with the given restrictions; removed after the test."""
    made: list[str] = []

    def make(**restrictions: Any) -> str:
        type_id = f"restricted-{len(made)}"
        document = {"name": "Begränsad", "questions": QUESTIONS, "restrictions": restrictions}
        path = f"/v1/admin/units/{TENHULT}/local-types/{type_id}"
        staff("PUT", path, LOCAL_ADMIN, json=document).raise_for_status()
        made.append(path)
        return type_id

    yield make
    for path in made:
        staff("DELETE", path, LOCAL_ADMIN)


@pytest.fixture
def mock_faults(base_url: str, http: requests.Session) -> Iterator[Callable[[str, dict], None]]:
    touched: set[str] = set()

    def add(mock: str, fault: dict[str, Any]) -> None:
        touched.add(mock)
        url = f"{base_url}/mocks/{mock}/_admin/faults"
        http.post(url, json=fault, timeout=10).raise_for_status()

    yield add
    for mock in touched:
        http.delete(f"{base_url}/mocks/{mock}/_admin/faults", timeout=10).raise_for_status()


def restricted_by(citizen, type_id: str, **who: Any) -> list[str]:
    listed = citizen("GET", f"/v1/units/{TENHULT}/e-services", **who)
    assert listed.status_code == 200, listed.text
    return next(t for t in listed.json()["eServices"] if t["id"] == type_id)["restrictedBy"]


def refused_for(citizen, type_id: str, answers: dict[str, Any] | None = None, **who: Any) -> str:
    answer = send(citizen, TENHULT, type_id, answers or {"message": "Hej"}, **who)
    assert answer.status_code == 403, answer.text
    problem = answer.json()
    assert problem["code"] == "SERVICE_RESTRICTED"
    assert problem["restrictions"][0] == problem["restriction"]
    return str(problem["restriction"])


def accepted_for(citizen, type_id: str, answers: dict[str, Any] | None = None, **who: Any):
    answer = send(citizen, TENHULT, type_id, answers or {"message": "Hej"}, **who)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_minimum_age_counts_from_the_identity_number(citizen, offering, patients) -> None:
    sixteen, adult = patients["turns-16-today"], patients["adult-rules"]
    type_id = offering(minAge=16)
    assert restricted_by(citizen, type_id, subject=sixteen) == []
    accepted_for(citizen, type_id, subject=sixteen)  # 16 today: old enough
    older = offering(minAge=17)
    assert restricted_by(citizen, older, subject=sixteen) == ["MIN_AGE"]
    assert refused_for(citizen, older, subject=sixteen) == "MIN_AGE"
    accepted_for(citizen, older, subject=adult)


def test_maximum_age_applies_to_the_child_a_guardian_acts_for(citizen, offering, patients) -> None:
    type_id = offering(maxAge=12)
    assert refused_for(citizen, type_id) == "MAX_AGE"  # adult-rules herself
    assert restricted_by(citizen, type_id, act_for=patients["child-12"]) == []
    case = accepted_for(citizen, type_id, act_for=patients["child-12"])
    inbox = citizen("GET", "/v1/cases", act_for=patients["child-12"]).json()["cases"]
    assert case["id"] in [c["id"] for c in inbox]  # the child's case


def test_samordningsnummer_age_is_from_day_minus_60(citizen, offering, patients) -> None:
    # 199003722734: born 12 March 1990, 36 on the pinned day
    assert refused_for(citizen, offering(maxAge=35), subject=patients["samordningsnummer"]) == (
        "MAX_AGE"
    )
    accepted_for(citizen, offering(maxAge=36), subject=patients["samordningsnummer"])


def test_area_is_the_county_in_the_population_register(citizen, offering) -> None:
    type_id = offering(area=["06"])
    other_county = "199403082150"  # registered in Kronobergs län (07)
    assert restricted_by(citizen, type_id, subject=other_county) == ["AREA"]
    assert refused_for(citizen, type_id, subject=other_county) == "AREA"
    accepted_for(citizen, type_id)  # adult-rules lives in Jönköpings län
    accepted_for(citizen, offering(area=["06", "07"]), subject=other_county)


def test_listing_at_the_unit_from_the_listing_service(citizen, offering) -> None:
    type_id = offering(listingRequired=True)
    listed, not_listed, child_8 = "197205172385", "199009031478", "201810161719"
    assert restricted_by(citizen, type_id, subject=listed) == []
    accepted_for(citizen, type_id, subject=listed)
    assert restricted_by(citizen, type_id, subject=not_listed) == ["LISTING_REQUIRED"]
    assert refused_for(citizen, type_id, subject=not_listed) == "LISTING_REQUIRED"
    # the guardian's own listing does not count for the child, the child's does
    accepted_for(citizen, type_id, subject=listed, act_for=child_8)
    in_queue = "197908302644"  # listed at Bra Liv Eksjö, not at Tenhult
    assert refused_for(citizen, type_id, subject=in_queue) == "LISTING_REQUIRED"


def test_a_referral_is_asked_for_and_required(citizen, offering) -> None:
    type_id = offering(referralRequired=True)
    listed = citizen("GET", f"/v1/units/{TENHULT}/e-services").json()["eServices"]
    entry = next(t for t in listed if t["id"] == type_id)
    assert entry["restrictions"]["referralRequired"] is True
    assert entry["questions"][-1]["id"] == "referral" and entry["questions"][-1]["required"]
    assert entry["restrictedBy"] == []  # a referral is shown in the answers, not known before
    assert refused_for(citizen, type_id) == "REFERRAL_REQUIRED"
    assert refused_for(citizen, type_id, {"message": "Hej", "referral": " "}) == (
        "REFERRAL_REQUIRED"
    )
    case = accepted_for(citizen, type_id, {"message": "Hej", "referral": "Remiss 2026-123"})
    assert case["answers"]["referral"] == "Remiss 2026-123"


def test_every_restriction_that_fails_is_named(citizen, offering, patients) -> None:
    type_id = offering(minAge=18, listingRequired=True, referralRequired=True)
    answer = send(citizen, TENHULT, type_id, {"message": "x"}, subject=patients["turns-16-today"])
    assert answer.status_code == 403
    problem = answer.json()
    assert problem["restriction"] == "MIN_AGE"
    assert problem["restrictions"] == ["MIN_AGE", "LISTING_REQUIRED", "REFERRAL_REQUIRED"]
    assert "18" in problem["detail"]


def test_without_a_token_the_list_shows_the_restrictions_only(
    base_url: str, http: requests.Session, offering
) -> None:
    type_id = offering(minAge=18, area=["06"])
    listed = http.get(f"{base_url}/v1/units/{TENHULT}/e-services", timeout=30).json()
    entry = next(t for t in listed["eServices"] if t["id"] == type_id)
    assert "restrictedBy" not in entry
    assert entry["restrictions"] == {
        "minAge": 18,
        "maxAge": None,
        "listingRequired": False,
        "referralRequired": False,
        "area": ["06"],
    }


# The register's answers are reused for a while (auth.guardianship_cache_s): the register case
# asks about someone no other test looks up ('turns-85-tomorrow').
@pytest.mark.parametrize(
    ("mock", "restriction", "subject"),
    [
        ("listing", {"listingRequired": True}, "196804152384"),
        ("population", {"area": ["06"]}, "194111263218"),
    ],
)
def test_an_upstream_that_cannot_answer_is_never_a_pass(
    citizen, offering, mock_faults, mock, restriction, subject
) -> None:
    type_id = offering(**restriction)
    before = len(citizen("GET", "/v1/cases", subject=subject).json()["cases"])
    mock_faults(mock, {"type": "http_status", "status": 503})
    answer = send(citizen, TENHULT, type_id, {"message": "Hej"}, subject=subject)
    assert answer.status_code == 503, answer.text
    assert answer.json()["code"] == "UPSTREAM_UNAVAILABLE"
    listed = citizen("GET", f"/v1/units/{TENHULT}/e-services", subject=subject)
    assert listed.status_code == 503
    after = citizen("GET", "/v1/cases", subject=subject).json()["cases"]
    assert len(after) == before  # nothing written


def test_a_place_in_the_units_queue_is_no_listing(
    citizen, offering, base_url: str, http: requests.Session
) -> None:
    admin = f"{base_url}/mocks/listing/_admin"
    not_listed = "199009031478"
    dataset = http.get(f"{admin}/dataset", timeout=30).json()
    tenhult = next(f for f in dataset["facilities"] if f["id"] == TENHULT)
    tenhult.update(hasQueue=True, queue=[{"person": not_listed, "since": "2026-11-01"}])
    http.put(f"{admin}/dataset", json=dataset, timeout=30).raise_for_status()
    try:
        type_id = offering(listingRequired=True)
        assert refused_for(citizen, type_id, subject=not_listed) == "LISTING_REQUIRED"
    finally:
        http.post(f"{admin}/reset", timeout=30).raise_for_status()
