"""Cases over real HTTP: every central case type, each validation error, renew prescription from
the list to staff, the inbox, staff replies and closing, idempotency. Each test runs against
the gateway with its store on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from tests.conftest import TENHULT
from tests.integration.conftest import BRA_LIV, NURSE, STORES, gateway_on, send, staff_token

BLODCENTRALEN = "SE2321000057-5SXK"  # no renew prescription in the registry


@pytest.fixture(scope="session", params=STORES)
def base_url(request: pytest.FixtureRequest) -> str:
    return gateway_on(request.param, request)


ANSWERS: dict[str, dict[str, Any]] = {
    "order-record-copy": {"period": "2024", "delivery": "post"},
    "self-referral": {"reason": "Ont i knät", "since": "2026-10-01"},
    "extend-sick-leave": {"currentUntil": "2026-12-01", "extent": "50", "howYouFeel": "Bättre"},
    "renew-assistive-aids": {"product": "Inkontinensskydd", "dailyUsage": 3, "packages": 2},
    "renew-prescription": {"drugs": [{"name": "Alvedon", "strength": "500 mg", "form": "Tablett"}]},
    "send-message": {"message": "Hej!", "contactPerson": "Dr. Berg"},
    "request-certificate": {
        "certificate": "körkortsintyg",
        "kind": "renewal",
        "previousIssuer": "Tenhults vårdcentral",
        "validUntil": "2027-01-31",
    },
    "book-appointment": {"reason": "Hälsokontroll"},
    "cancel-or-rebook-appointment": {"appointment": "3 dec 10:00", "action": "cancel"},
}


@pytest.mark.parametrize("case_type", sorted(ANSWERS))
def test_every_central_case_type_can_be_sent_and_read_back(citizen, case_type: str) -> None:
    unit = BRA_LIV if case_type.endswith("appointment") else TENHULT
    sent = send(citizen, unit, case_type, ANSWERS[case_type])
    assert sent.status_code == 201, sent.text
    case = sent.json()
    assert case["type"] == case_type and case["unit"] == unit and case["status"] == "sent"
    assert case["replies"] == []
    assert sent.headers["Location"] == f"/v1/cases/{case['id']}"
    read = citizen("GET", sent.headers["Location"])
    assert read.status_code == 200 and read.json() == case
    assert case["id"] in [c["id"] for c in citizen("GET", "/v1/cases").json()["cases"]]


def test_the_catalogue_shows_what_a_unit_offers(base_url: str, http: requests.Session) -> None:
    tenhult = http.get(f"{base_url}/v1/units/{TENHULT}/e-services", timeout=30).json()
    ids = [t["id"] for t in tenhult["eServices"]]
    # web booking at Tenhult: no booking by request; its own local type last
    assert "book-appointment" not in ids and "cancel-or-rebook-appointment" not in ids
    assert ids[-1] == "before-first-enrolment"
    assert tenhult["eServices"][-1]["kind"] == "local"
    renew = next(t for t in tenhult["eServices"] if t["id"] == "renew-prescription")
    assert renew["kind"] == "central" and renew["termsText"]
    assert renew["questions"][0] == {
        "id": "drugs",
        "label": "Läkemedel att förnya",
        "type": "drugs",
        "required": True,
        "help": renew["questions"][0]["help"],
    }
    bra_liv = http.get(f"{base_url}/v1/units/{BRA_LIV}/e-services", timeout=30).json()
    assert {"book-appointment", "cancel-or-rebook-appointment"} <= {
        t["id"] for t in bra_liv["eServices"]
    }
    blod = http.get(f"{base_url}/v1/units/{BLODCENTRALEN}/e-services", timeout=30).json()
    assert "renew-prescription" not in [t["id"] for t in blod["eServices"]]


@pytest.mark.parametrize(
    ("case_type", "answers", "errors"),
    [
        ("send-message", {}, {"message": "required"}),
        ("send-message", {"message": 5}, {"message": "a text of at most 4000 characters"}),
        (
            "send-message",
            {"message": "x", "extra": 1},
            {"extra": "not a question of this e-service"},
        ),
        (
            "renew-assistive-aids",
            {"product": "p", "dailyUsage": "3", "packages": -1},
            {
                "dailyUsage": "a whole number from 0 to 10000",
                "packages": "a whole number from 0 to 10000",
            },
        ),
        ("self-referral", {"reason": "r", "since": "igår"}, {"since": "a date, YYYY-MM-DD"}),
        (
            "request-certificate",
            {"certificate": "körkortsintyg", "kind": "renewal"},
            {"previousIssuer": "required", "validUntil": "required"},
        ),
        (
            "order-record-copy",
            {"period": "2024", "delivery": "fax"},
            {"delivery": "one of: post, hämtas på mottagningen"},
        ),
        ("renew-prescription", {"drugs": []}, {"drugs": "required"}),
        (
            "renew-prescription",
            {"drugs": [{"name": "Alvedon", "strength": "500 mg"}]},
            {"drugs": "drug 1: form is required"},
        ),
        (
            "renew-prescription",
            {"drugs": [{"ordinationId": "RX-adult-rules-1", "name": "x"}]},
            {"drugs": "drug 1: a picked drug is {ordinationId} alone"},
        ),
    ],
)
def test_answers_that_do_not_fit_are_422_naming_each_field(citizen, case_type, answers, errors):
    answer = send(citizen, TENHULT, case_type, answers)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "INVALID_ANSWERS"
    assert problem["errors"] == errors
    assert all(name in problem["detail"] for name in errors)


def test_request_certificate_new_needs_no_previous_issuer(citizen) -> None:
    answers = {"certificate": "körkortsintyg", "kind": "new"}
    assert send(citizen, TENHULT, "request-certificate", answers).status_code == 201


def test_a_type_the_unit_does_not_offer_is_404(citizen) -> None:
    for unit, case_type in (
        (TENHULT, "book-appointment"),  # Tenhult has web booking
        (BLODCENTRALEN, "renew-prescription"),
        (TENHULT, "no-such-type"),
        (BRA_LIV, "before-first-enrolment"),  # another unit's local type
    ):
        answer = send(citizen, unit, case_type, {})
        assert answer.status_code == 404, (unit, case_type)
        assert answer.json()["code"] == "SERVICE_NOT_OFFERED"


def test_renew_prescription_picked_and_hand_entered_drugs_look_alike_to_staff(
    citizen, staff
) -> None:
    drugs = [
        {"ordinationId": "RX-adult-rules-10"},
        {
            "name": "Losec",
            "strength": "20 mg",
            "form": "Kapsel",
            "dosageInstruction": "1 dagligen",
            "prescriber": "Dr. Berg",
        },
    ]
    sent = send(citizen, TENHULT, "renew-prescription", {"drugs": drugs})
    assert sent.status_code == 201, sent.text
    seen = staff("GET", f"/v1/staff/units/{TENHULT}/cases/{sent.json()['id']}").json()
    assert seen["answers"]["drugs"] == [
        {
            "name": "Waran",
            "strength": "2,5 mg",
            "form": "Tablett",
            "dosageInstruction": None,
            "prescriber": None,
        },
        {
            "name": "Losec",
            "strength": "20 mg",
            "form": "Kapsel",
            "dosageInstruction": "1 dagligen",
            "prescriber": "Dr. Berg",
        },
    ]


@pytest.mark.parametrize(
    ("ordination", "why"),
    [
        ("RX-adult-rules-7", "discontinued chain"),
        ("RX-linked-units-1", "another patient's"),
        ("RX-nonexistent", "not on the list"),
    ],
)
def test_a_picked_drug_must_be_on_the_citizens_list(citizen, ordination: str, why: str) -> None:
    answer = send(citizen, TENHULT, "renew-prescription", {"drugs": [{"ordinationId": ordination}]})
    assert answer.status_code == 422, why
    assert answer.json()["errors"] == {
        "drugs": "drug 1: not an ordination on your list at this unit"
    }


def test_under_16_and_proxy_may_only_enter_drugs_by_hand(citizen, patients) -> None:
    picked = {"drugs": [{"ordinationId": "RX-adult-rules-10"}]}
    by_hand = ANSWERS["renew-prescription"]
    for who in ({"subject": patients["turns-16-tomorrow"]}, {"act_for": patients["child-12"]}):
        refused = send(citizen, TENHULT, "renew-prescription", picked, **who)
        assert refused.status_code == 422 and "by hand" in refused.json()["errors"]["drugs"]
        assert send(citizen, TENHULT, "renew-prescription", by_hand, **who).status_code == 201


def test_proxy_for_a_child_of_13_is_403(citizen, patients) -> None:
    answer = send(
        citizen, TENHULT, "send-message", {"message": "x"}, act_for=patients["child-turns-13-today"]
    )
    assert answer.status_code == 403 and answer.json()["code"] == "PROXY_NOT_ALLOWED"


def test_staff_reply_and_close_reach_the_citizens_inbox(citizen, staff) -> None:
    case = send(citizen, TENHULT, "send-message", {"message": "Hej"}).json()
    path = f"/v1/staff/units/{TENHULT}/cases/{case['id']}"
    listed = staff("GET", f"/v1/staff/units/{TENHULT}/cases?status=sent").json()["cases"]
    assert case["id"] in [c["id"] for c in listed]
    replied = staff("POST", f"{path}/replies", json={"text": "Välkommen på torsdag."})
    assert replied.status_code == 201 and replied.json()["status"] == "answered"
    assert replied.json()["replies"][0]["author"] == NURSE
    seen = citizen("GET", f"/v1/cases/{case['id']}").json()
    assert seen["status"] == "answered"
    assert [r["text"] for r in seen["replies"]] == ["Välkommen på torsdag."]
    assert "author" not in seen["replies"][0]
    assert staff("POST", f"{path}/close").json()["status"] == "closed"
    late = staff("POST", f"{path}/replies", json={"text": "Och en sak till"})
    assert late.status_code == 409 and late.json()["code"] == "CASE_CLOSED"
    assert citizen("GET", f"/v1/cases/{case['id']}").json()["status"] == "closed"


def test_a_standard_reply_of_the_unit(citizen, staff) -> None:
    admin = staff_token("local-admin")
    reply = {"title": "Recept klart", "text": "Ditt recept är förnyat."}
    put = staff("PUT", f"/v1/admin/units/{TENHULT}/standard-replies/rx-done", admin, json=reply)
    assert put.status_code in (200, 201), put.text
    listed = staff("GET", f"/v1/staff/units/{TENHULT}/standard-replies").json()
    assert {"id": "rx-done", **reply} in listed["standardReplies"]
    case = send(citizen, TENHULT, "send-message", {"message": "Recept?"}).json()
    path = f"/v1/staff/units/{TENHULT}/cases/{case['id']}/replies"
    answered = staff("POST", path, json={"standardReply": "rx-done"}).json()
    assert answered["replies"][-1]["text"] == reply["text"]
    assert answered["replies"][-1]["standardReply"] == "rx-done"
    unknown = staff("POST", path, json={"standardReply": "nope"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "STANDARD_REPLY_NOT_FOUND"


def test_other_units_cases_are_invisible(citizen, staff) -> None:
    case = send(citizen, TENHULT, "send-message", {"message": "Hej"}).json()
    elsewhere = staff_token(unit=BRA_LIV)
    assert staff("GET", f"/v1/staff/units/{TENHULT}/cases", elsewhere).status_code == 403
    at_bra_liv = f"/v1/staff/units/{BRA_LIV}/cases/{case['id']}"
    answer = staff("GET", at_bra_liv, elsewhere)
    assert answer.status_code == 404 and answer.json()["code"] == "CASE_NOT_FOUND"
    # nor does one citizen see another's
    other = citizen("GET", f"/v1/cases/{case['id']}", subject="198306213169")
    assert other.status_code == 404


def test_a_citizen_token_is_no_staff_token(citizen) -> None:
    answer = citizen("GET", f"/v1/staff/units/{TENHULT}/cases")
    assert answer.status_code == 401 and answer.json()["code"] == "UNAUTHENTICATED"


def test_one_idempotency_key_sent_concurrently_makes_one_case(citizen) -> None:
    key = {"Idempotency-Key": "f0c7a3e2-one-case"}
    answers: list[requests.Response] = []

    def post() -> None:
        answers.append(
            send(citizen, TENHULT, "send-message", {"message": "once"}, headers=dict(key))
        )

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["id"] for a in answers}) == 1
    assert len({a.headers["Location"] for a in answers}) == 1
    inbox = citizen("GET", "/v1/cases").json()["cases"]
    assert sum(c["answers"] == {"message": "once"} for c in inbox) == 1
    other = send(citizen, TENHULT, "send-message", {"message": "another"}, headers=dict(key))
    assert other.status_code == 422 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
