"""GET /v1/units and /v1/units/{unit}: the unit registry over real HTTP, public (no token)."""

from __future__ import annotations

import requests

from tests.conftest import TENHULT
from tests.integration.test_errors import problem


def test_the_registry_lists_every_unit_without_a_token(
    base_url: str, http: requests.Session
) -> None:
    response = http.get(f"{base_url}/v1/units", timeout=10)
    assert response.status_code == 200
    units = {u["hsaId"]: u for u in response.json()["units"]}
    assert units[TENHULT] == {
        "hsaId": TENHULT,
        "name": "Tenhults vårdcentral",
        "services": ["renew-prescription", "send-message", "web-booking"],
        "linked": [],
        "webBooking": {
            "view": True,
            "cancel": True,
            "rebook": True,
            "book": True,
            "lateCancellationHours": 24,
        },
        "alternatives": [],
    }
    assert units["SE2321000057-5SXK"]["services"] == []
    assert len(units) == 5


def test_links_show_from_both_sides(base_url: str, http: requests.Session) -> None:
    heart = http.get(f"{base_url}/v1/units/SE2321000057-4K1C", timeout=10).json()
    # only the heart clinic's settings name the link
    diabetes = http.get(f"{base_url}/v1/units/SE2321000057-4K1D", timeout=10).json()
    assert heart["linked"] == ["SE2321000057-4K1D"]
    assert diabetes["linked"] == ["SE2321000057-4K1C"]


def test_one_unit_case_insensitively(base_url: str, http: requests.Session) -> None:
    response = http.get(f"{base_url}/v1/units/{TENHULT.lower()}", timeout=10)
    assert response.status_code == 200
    assert response.json()["hsaId"] == TENHULT


def test_unknown_and_malformed_units_are_problems(base_url: str, http: requests.Session) -> None:
    unknown = problem(
        http.get(f"{base_url}/v1/units/SE2321000057-9ZZZ", timeout=10), 404, "UNIT_NOT_FOUND"
    )
    assert "SE2321000057-9ZZZ" in unknown["detail"]
    problem(http.get(f"{base_url}/v1/units/5VTN", timeout=10), 400, "INVALID_UNIT")


def test_a_bad_token_does_not_matter_to_public_information(
    base_url: str, http: requests.Session
) -> None:
    headers = {"Authorization": "Bearer not-a-token"}
    assert http.get(f"{base_url}/v1/units", headers=headers, timeout=10).status_code == 200
