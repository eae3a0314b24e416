"""Who a case is about, as staff see it: the full identity number and name in the one case's
view, to staff of that unit only, each access logged with the number masked (PDL); masked in
the list and everywhere else; the citizen's own views unchanged."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine, select

from gateway.store.tables import patient_access_log
from tests.conftest import TENHULT
from tests.integration.conftest import BRA_LIV, NURSE, send, staff_token

ADULT_RULES = "196804152384"
CHILD_12 = "201408171856"


@pytest.fixture
def case_of_child(citizen) -> dict:
    answer = send(citizen, TENHULT, "send-message", {"message": "Hej"}, act_for=CHILD_12)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_case_view_shows_the_patient_and_logs_the_access(
    staff, case_of_child, caplog: pytest.LogCaptureFixture, settings
) -> None:
    path = f"/v1/staff/units/{TENHULT}/cases/{case_of_child['id']}"
    with caplog.at_level(logging.INFO, logger="etjanst.access"):
        seen = staff("GET", path)
    assert seen.status_code == 200
    # the child the guardian wrote for, not the guardian
    assert seen.json()["patient"] == {"personalIdentityNumber": CHILD_12, "name": "Oskar Lindqvist"}
    lines = [r.getMessage() for r in caplog.records if r.name == "etjanst.access"]
    assert len(lines) == 1
    assert NURSE in lines[0] and case_of_child["id"] in lines[0] and "20140817****" in lines[0]
    assert all(CHILD_12 not in r.getMessage() for r in caplog.records)
    engine = create_engine(settings.store.database_url())
    with engine.connect() as connection:
        rows = connection.execute(
            select(patient_access_log).where(patient_access_log.c.case_id == case_of_child["id"])
        ).all()
    engine.dispose()
    assert [(r.staff, r.unit, r.patient) for r in rows] == [(NURSE, TENHULT, CHILD_12)]


def test_the_list_replies_and_closing_show_the_number_masked(
    staff, case_of_child, caplog: pytest.LogCaptureFixture
) -> None:
    masked = {"maskedIdentityNumber": "20140817****"}
    with caplog.at_level(logging.INFO, logger="etjanst.access"):
        listed = staff("GET", f"/v1/staff/units/{TENHULT}/cases").json()["cases"]
        path = f"/v1/staff/units/{TENHULT}/cases/{case_of_child['id']}"
        replied = staff("POST", f"{path}/replies", json={"text": "Tack"}).json()
        closed = staff("POST", f"{path}/close").json()
    entry = next(c for c in listed if c["id"] == case_of_child["id"])
    assert entry["patient"] == masked
    assert replied["patient"] == masked and closed["patient"] == masked
    assert not [r for r in caplog.records if r.name == "etjanst.access"]  # no identity shown


def test_staff_of_another_unit_see_nothing_and_nothing_is_logged(
    staff, case_of_child, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = staff_token(unit=BRA_LIV)
    with caplog.at_level(logging.INFO, logger="etjanst.access"):
        at_tenhult = staff(
            "GET", f"/v1/staff/units/{TENHULT}/cases/{case_of_child['id']}", elsewhere
        )
        at_own = staff("GET", f"/v1/staff/units/{BRA_LIV}/cases/{case_of_child['id']}", elsewhere)
    assert at_tenhult.status_code == 403 and at_own.status_code == 404
    assert CHILD_12 not in at_tenhult.text + at_own.text
    assert not [r for r in caplog.records if r.name == "etjanst.access"]


def test_the_citizens_own_views_are_unchanged(citizen, case_of_child) -> None:
    assert "patient" not in case_of_child
    seen = citizen("GET", f"/v1/cases/{case_of_child['id']}", act_for=CHILD_12).json()
    assert "patient" not in seen and seen == case_of_child
