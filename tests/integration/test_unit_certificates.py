"""The certificates a unit issues: its own list, kept by its local administrator, is
request-certificate's choices there, in the e-services list and when answers are checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.conftest import TENHULT
from tests.integration.conftest import BRA_LIV, send, staff_token

LIST = f"/v1/admin/units/{TENHULT}/certificates"
LOCAL_ADMIN = staff_token("local-admin")
TENHULT_LIST = ["körkortsintyg", "läkarintyg för vapenlicens", "intyg om vaccination"]
RYHOV = "SE2321000057-4K1C"  # no certificate list


def certificate_options(base_url: str, http: requests.Session, unit: str) -> list[str] | None:
    listed = http.get(f"{base_url}/v1/units/{unit}/e-services", timeout=30).json()["eServices"]
    found = next((t for t in listed if t["id"] == "request-certificate"), None)
    return None if found is None else found["questions"][0]["options"]


def request(citizen, certificate: str, unit: str = TENHULT) -> requests.Response:
    return send(citizen, unit, "request-certificate", {"certificate": certificate, "kind": "new"})


@pytest.fixture
def restore(staff) -> Iterator[None]:
    yield
    staff("PUT", LIST, LOCAL_ADMIN, json={"certificates": TENHULT_LIST}).raise_for_status()


def test_each_unit_offers_its_own_certificates(base_url, http, citizen) -> None:
    assert certificate_options(base_url, http, TENHULT) == TENHULT_LIST
    bra_liv = certificate_options(base_url, http, BRA_LIV)
    assert bra_liv is not None and "friskintyg för idrott" in bra_liv
    assert "friskintyg för idrott" not in TENHULT_LIST
    assert request(citizen, "friskintyg för idrott", BRA_LIV).status_code == 201
    refused = request(citizen, "friskintyg för idrott")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"certificate": "one of: " + ", ".join(TENHULT_LIST)}


def test_the_local_administrator_keeps_the_list(base_url, http, citizen, staff, restore) -> None:
    new = ["intyg för flygresa", "körkortsintyg"]
    put = staff("PUT", LIST, LOCAL_ADMIN, json={"certificates": new})
    assert put.status_code == 200 and put.json() == {"certificates": new}
    assert staff("GET", LIST, LOCAL_ADMIN).json() == {"certificates": new}
    assert certificate_options(base_url, http, TENHULT) == new
    assert request(citizen, "intyg för flygresa").status_code == 201
    assert request(citizen, "intyg om vaccination").status_code == 422  # no longer issued
    assert certificate_options(base_url, http, BRA_LIV) != new  # only that unit's list


def test_a_unit_without_certificates_takes_no_requests_for_one(
    base_url, http, citizen, staff, restore
) -> None:
    assert certificate_options(base_url, http, RYHOV) is None
    staff("PUT", LIST, LOCAL_ADMIN, json={"certificates": []}).raise_for_status()
    assert certificate_options(base_url, http, TENHULT) is None
    refused = request(citizen, "körkortsintyg")
    assert refused.status_code == 404 and refused.json()["code"] == "SERVICE_NOT_OFFERED"


@pytest.mark.parametrize(
    ("role", "unit", "method", "status"),
    [
        ("staff", TENHULT, "PUT", 403),
        ("local-admin", BRA_LIV, "PUT", 403),  # another unit's administrator
        ("central-admin", BRA_LIV, "PUT", 403),  # the unit's own role
        ("central-admin", BRA_LIV, "GET", 200),
        ("staff", TENHULT, "GET", 403),
    ],
)
def test_roles(staff, restore, role: str, unit: str, method: str, status: int) -> None:
    answer = staff(method, LIST, staff_token(role, unit), json={"certificates": ["x"]})
    assert answer.status_code == status, answer.text
    assert staff("GET", LIST, LOCAL_ADMIN).json() == {"certificates": TENHULT_LIST}


@pytest.mark.parametrize(
    "body",
    [
        {"certificates": ["körkortsintyg", "körkortsintyg"]},
        {"certificates": [" "]},
        {"certificates": "körkortsintyg"},
        {"certificates": ["x" * 201]},
        {"certificates": ["x"], "extra": 1},
        {},
    ],
)
def test_an_invalid_list_is_422_and_changes_nothing(staff, body) -> None:
    answer = staff("PUT", LIST, LOCAL_ADMIN, json=body)
    assert answer.status_code == 422 and answer.json()["code"] == "INVALID_DOCUMENT"
    assert staff("GET", LIST, LOCAL_ADMIN).json() == {"certificates": TENHULT_LIST}
