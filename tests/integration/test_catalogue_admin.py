"""The catalogue's admin API over real HTTP: who may change what, a paused or removed service,
local types and the central wording."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.conftest import TENHULT
from tests.integration.conftest import BRA_LIV, send, staff_token

STATE = f"/v1/admin/units/{TENHULT}/e-services/self-referral/state"
CENTRAL_ADMIN = staff_token("central-admin", unit=BRA_LIV, person="SE2321000057-9001")
LOCAL_ADMIN = staff_token("local-admin")
XRAY = {
    "name": "Beställ röntgenbilder",
    "description": "Kopior av dina bilder.",
    "termsText": "Skickas som skiva.",
    "questions": [
        {"id": "examination", "label": "Vilken undersökning?", "type": "text", "required": True}
    ],
}


@pytest.fixture
def restore(staff) -> Iterator[None]:
    yield
    staff("PUT", STATE, CENTRAL_ADMIN, json={"state": "active"}).raise_for_status()
    staff("DELETE", f"/v1/admin/units/{TENHULT}/local-types/order-xray-images", LOCAL_ADMIN)


def offered(base_url: str, http: requests.Session, unit: str = TENHULT) -> list[str]:
    answer = http.get(f"{base_url}/v1/units/{unit}/e-services", timeout=30).json()
    return [t["id"] for t in answer["eServices"]]


@pytest.mark.parametrize("state", ["paused", "removed"])
def test_a_paused_or_removed_service_is_not_offered(
    base_url,
    http,
    staff,
    citizen,
    restore,
    state: str,
) -> None:
    answer = staff("PUT", STATE, CENTRAL_ADMIN, json={"state": state})
    assert answer.status_code == 200 and answer.json() == {"id": "self-referral", "state": state}
    assert "self-referral" not in offered(base_url, http)
    refused = send(citizen, TENHULT, "self-referral", {"reason": "Ont"})
    assert refused.status_code == 404 and refused.json()["code"] == "SERVICE_NOT_OFFERED"
    assert "self-referral" in offered(base_url, http, BRA_LIV)  # only at that unit
    listed = staff("GET", f"/v1/admin/units/{TENHULT}/e-services", LOCAL_ADMIN).json()
    assert {"id": "self-referral", "state": state} in listed["central"]
    staff("PUT", STATE, CENTRAL_ADMIN, json={"state": "active"}).raise_for_status()
    assert send(citizen, TENHULT, "self-referral", {"reason": "Ont"}).status_code == 201


def test_only_the_central_role_changes_a_central_service(staff, restore) -> None:
    for role in ("staff", "local-admin"):
        answer = staff("PUT", STATE, staff_token(role), json={"state": "paused"})
        assert answer.status_code == 403 and answer.json()["code"] == "FORBIDDEN", role
    central = "/v1/admin/e-services/send-message"
    assert staff("GET", central, LOCAL_ADMIN).status_code == 403
    bad = staff("PUT", STATE, CENTRAL_ADMIN, json={"state": "sleeping"})
    assert bad.status_code == 422 and bad.json()["code"] == "INVALID_DOCUMENT"


def test_the_central_wording_is_the_same_at_every_unit(base_url, http, staff) -> None:
    path = "/v1/admin/e-services/send-message"
    original = staff("GET", path, CENTRAL_ADMIN).json()
    changed = {**original, "termsText": "Svar inom tre arbetsdagar."}
    try:
        assert staff("PUT", path, CENTRAL_ADMIN, json=changed).status_code == 200
        for unit in (TENHULT, BRA_LIV):
            answer = http.get(f"{base_url}/v1/units/{unit}/e-services", timeout=30).json()
            message = next(t for t in answer["eServices"] if t["id"] == "send-message")
            assert message["termsText"] == "Svar inom tre arbetsdagar."
    finally:
        staff("PUT", path, CENTRAL_ADMIN, json=original).raise_for_status()


def test_a_local_admin_keeps_the_units_own_types(
    base_url,
    http,
    staff,
    citizen,
    restore,
) -> None:
    path = f"/v1/admin/units/{TENHULT}/local-types/order-xray-images"
    assert staff("PUT", path, staff_token("staff"), json=XRAY).status_code == 403
    elsewhere = staff_token("local-admin", unit=BRA_LIV)
    assert staff("PUT", path, elsewhere, json=XRAY).status_code == 403
    created = staff("PUT", path, LOCAL_ADMIN, json=XRAY)
    assert created.status_code == 201, created.text
    assert "order-xray-images" in offered(base_url, http)
    assert "order-xray-images" not in offered(base_url, http, BRA_LIV)
    sent = send(citizen, TENHULT, "order-xray-images", {"examination": "Lungröntgen"})
    assert sent.status_code == 201
    clash = f"/v1/admin/units/{TENHULT}/local-types/send-message"
    assert staff("PUT", clash, LOCAL_ADMIN, json=XRAY).json()["code"] == "CENTRAL_TYPE_EXISTS"
    invalid = staff("PUT", path, LOCAL_ADMIN, json={**XRAY, "questions": []})
    assert invalid.status_code == 422 and "questions" in invalid.json()["detail"]
    assert staff("DELETE", path, LOCAL_ADMIN).status_code == 204
    assert "order-xray-images" not in offered(base_url, http)
