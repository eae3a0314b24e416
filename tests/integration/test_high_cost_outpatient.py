"""GET /v1/high-cost/outpatient and its free-card.pdf over real HTTP: gateway -> eFrikort mock,
every rule of the e-service (today pinned to 2026-11-25). Visits are registered through the
mock's admin API, as a test team would."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pypdfium2
import pytest
import requests
from pypdf import PdfReader

from contracts.frikort import CORE_NS, GET_CARD_FOR_PERSON
from contracts.frikort import UPSTREAM as FRIKORT
from etjanst.server import RunningServer, combined_app, serve_in_thread
from gateway.auth import mint_token
from gateway.domain.identity import with_check_digit
from mocks.people import people
from tests.conftest import SECRET, TODAY, make_settings, metric

ADMIN = f"{FRIKORT.mock_path}/_admin"
OUTPATIENT = "/v1/high-cost/outpatient"
FREE_CARD = f"{OUTPATIENT}/free-card.pdf"
ADULTS = iter(with_check_digit(f"197{n:01d}0615{n:03d}") for n in range(1, 10))


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
def frikort_admin(base_url: str, http: requests.Session) -> Iterator[Callable[..., Any]]:
    """Call the eFrikort mock's admin API; the mock is reset after the test."""

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return http.request(method, f"{base_url}{ADMIN}/{path}", timeout=10, **kwargs)

    yield call
    http.post(f"{base_url}{ADMIN}/reset", timeout=10).raise_for_status()


@pytest.fixture(scope="module")
def frikort_patients(base_url: str, http: requests.Session) -> dict[str, str]:
    return {
        p["label"]: p["id"]
        for p in http.get(f"{base_url}{ADMIN}/patients", timeout=10).json()["patients"]
    }


def get(
    base_url: str,
    path: str,
    subject: str,
    act_for: str | None = None,
    name: str | None = None,
) -> requests.Response:
    token = mint_token(SECRET, subject, act_for, name=name)
    return requests.get(
        f"{base_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def visits(admin: Callable[..., requests.Response], patient: str, *dated: tuple[int, int]) -> None:
    """Register visits (days ago, fee) for `patient`."""
    for days, fee in dated:
        response = admin("POST", "visits", json={"patient": patient, "date": ago(days), "fee": fee})
        assert response.status_code == 201, response.text


def calls(admin: Callable[..., requests.Response]) -> int:
    return len(admin("GET", "journal").json()["exchanges"])


def test_paying_patient_sees_the_period_and_figures(
    base_url: str, frikort_patients: dict[str, str]
) -> None:
    response = get(base_url, OUTPATIENT, frikort_patients["paying"])
    assert response.status_code == 200, response.text
    assert response.json() == {
        "exempt": None,
        "ceiling": 1450,
        "paid": 500,
        "left": 950,
        "period": {"start": ago(100), "end": (TODAY + timedelta(days=264)).isoformat()},
        "freeCard": None,
        "notice": None,
    }


def test_without_fees_this_period_nothing_is_paid(
    base_url: str, frikort_patients: dict[str, str]
) -> None:
    body = get(base_url, OUTPATIENT, frikort_patients["no-visits"]).json()
    assert body == {
        "exempt": None,
        "ceiling": None,
        "paid": 0,
        "left": None,
        "period": None,
        "freeCard": None,
        "notice": None,
    }


def test_the_free_card_day_itself(base_url: str, frikort_admin: Callable[..., Any]) -> None:
    patient = next(ADULTS)
    visits(frikort_admin, patient, (60, 1000), (1, 449))
    before = get(base_url, OUTPATIENT, patient).json()
    assert (before["paid"], before["left"], before["freeCard"]) == (1449, 1, None)
    assert get(base_url, FREE_CARD, patient).json()["code"] == "NO_FREE_CARD"

    visits(frikort_admin, patient, (0, 1))  # exactly the last krona, today
    body = get(base_url, OUTPATIENT, patient).json()
    assert (body["ceiling"], body["paid"], body["left"]) == (1450, 1450, 0)
    end = (TODAY - timedelta(days=60) + timedelta(days=364)).isoformat()  # 12 months, less a day
    assert body["period"] == {"start": ago(60), "end": end}
    assert body["freeCard"]["from"] == TODAY.isoformat()
    assert body["freeCard"]["to"] == end
    assert get(base_url, FREE_CARD, patient).headers["Content-Type"] == "application/pdf"


def test_a_last_fee_that_crosses_the_ceiling_counts_only_up_to_it(
    base_url: str, frikort_admin: Callable[..., Any]
) -> None:
    patient = next(ADULTS)
    visits(frikort_admin, patient, (50, 1300), (10, 400), (5, 300))  # the last one is free
    body = get(base_url, OUTPATIENT, patient).json()
    assert (body["ceiling"], body["paid"], body["left"]) == (1450, 1450, 0)
    assert body["freeCard"]["from"] == ago(10)


def test_a_period_rolls_over_after_twelve_months(
    base_url: str, frikort_admin: Callable[..., Any]
) -> None:
    patient = next(ADULTS)
    # 25 Nov 2025 opens a period through 24 Nov 2026: the second visit is its last day
    visits(frikort_admin, patient, (365, 1000), (1, 450))
    assert get(base_url, OUTPATIENT, patient).json()["period"] is None  # it ended yesterday
    visits(frikort_admin, patient, (0, 200))  # today opens a new period
    body = get(base_url, OUTPATIENT, patient).json()
    assert body["period"]["start"] == TODAY.isoformat()
    assert (body["paid"], body["left"], body["freeCard"]) == (200, 1250, None)


def test_the_ceiling_is_the_one_in_force_when_the_period_starts(
    base_url: str, frikort_admin: Callable[..., Any]
) -> None:
    before, after = next(ADULTS), next(ADULTS)
    dataset = frikort_admin("GET", "dataset").json()
    dataset["ceilings"] = [
        {"since": "2020-01-01", "amount": 1000, "source": "test"},
        {"since": ago(100), "amount": 2000, "source": "test"},
    ]
    dataset["visits"] = [
        {"patient": before, "date": ago(101), "fee": 100},
        {"patient": before, "date": ago(50), "fee": 100},
        {"patient": after, "date": ago(100), "fee": 100},
    ]
    assert frikort_admin("PUT", "dataset", json=dataset).status_code == 200
    assert get(base_url, OUTPATIENT, before).json()["ceiling"] == 1000
    assert get(base_url, OUTPATIENT, after).json()["ceiling"] == 2000


@pytest.mark.parametrize(
    ("label", "exempt"),
    [
        ("turns-20-today", None),
        ("turns-20-tomorrow", "UNDER_20"),
        ("turns-85-today", "FROM_85"),
        ("turns-85-tomorrow", None),
    ],
)
def test_the_exemption_birthdays(
    base_url: str,
    frikort_patients: dict[str, str],
    frikort_admin: Callable[..., Any],
    label: str,
    exempt: str | None,
) -> None:
    frikort_admin("DELETE", "journal")
    body = get(base_url, OUTPATIENT, frikort_patients[label]).json()
    assert body["exempt"] == exempt
    if exempt:
        assert (body["ceiling"], body["paid"], body["left"]) == (None, None, None)
        assert calls(frikort_admin) == 0  # eFrikort is not asked
        free_card = get(base_url, FREE_CARD, frikort_patients[label])
        assert (free_card.status_code, free_card.json()["code"]) == (404, "NO_FREE_CARD")
    else:
        assert calls(frikort_admin) == 1


@pytest.mark.parametrize(
    ("code", "status", "problem"),
    [
        ("ERROR", 502, "UPSTREAM_ERROR"),
        ("VALIDATION_ERROR", 502, "UPSTREAM_ERROR"),
        ("ACCESSDENIED", 403, "UPSTREAM_ACCESS_DENIED"),
    ],
)
def test_result_codes_that_refuse(
    base_url: str,
    frikort_patients: dict[str, str],
    frikort_admin: Callable[..., Any],
    code: str,
    status: int,
    problem: str,
) -> None:
    fault = {"type": "result", "resultCode": code, "message": "Behörighet saknas"}
    assert frikort_admin("POST", "faults", json=fault).status_code == 201
    for path in (OUTPATIENT, FREE_CARD):
        response = get(base_url, path, frikort_patients["free-card"])
        assert response.status_code == status, response.text
        assert response.json()["code"] == problem
        assert code in response.json()["detail"]


def test_info_is_a_success_with_its_notice(
    base_url: str, frikort_patients: dict[str, str], frikort_admin: Callable[..., Any]
) -> None:
    fault = {
        "type": "result",
        "resultCode": "INFO",
        "message": "Uppgifterna kan vara ofullständiga",
    }
    frikort_admin("POST", "faults", json=fault)
    body = get(base_url, OUTPATIENT, frikort_patients["free-card"]).json()
    assert body["notice"] == "Uppgifterna kan vara ofullständiga"
    assert body["paid"] == 1450


def test_proxy_for_a_child_of_13_is_refused(
    base_url: str, frikort_patients: dict[str, str], frikort_admin: Callable[..., Any]
) -> None:
    """The register's guardian of a child who turns 13 today (shared synthetic people)."""
    frikort_admin("DELETE", "journal")
    everyone = people(TODAY)
    guardian, child_13 = everyone["adult-rules"].number, everyone["child-turns-13-today"].number
    for path in (OUTPATIENT, FREE_CARD):
        response = get(base_url, path, guardian, act_for=child_13)
        assert (response.status_code, response.json()["code"]) == (403, "PROXY_NOT_ALLOWED")
    assert calls(frikort_admin) == 0


def test_proxy_for_a_child_under_13_in_the_region_is_exempt(
    base_url: str, frikort_patients: dict[str, str]
) -> None:
    body = get(
        base_url, OUTPATIENT, frikort_patients["guardian"], act_for=frikort_patients["sibling-9"]
    ).json()
    assert body["exempt"] == "UNDER_20"


def test_free_card_pdf_text_and_image(base_url: str, frikort_patients: dict[str, str]) -> None:
    patient = frikort_patients["free-card"]
    response = get(base_url, FREE_CARD, patient, name="Åsa Öberg")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Region Jönköpings län",
        "Åsa Öberg",
        f"{patient[:8]}-{patient[8:]}",
        get(base_url, OUTPATIENT, patient).json()["freeCard"]["number"],
        f"Giltigt från {ago(30)}",
        f"Giltigt till och med {(TODAY + timedelta(days=164)).isoformat()}",
        "Högkostnadstak 1 450 kr",
    ):
        assert expected in text, (expected, text)
    page = pypdfium2.PdfDocument(response.content)[0]
    width, height = page.get_size()  # points: A6 landscape is 148 x 105 mm
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (148, 105)
    image = page.render(scale=2).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > image.width * image.height // 20  # the banner and the text are there


def test_free_card_of_a_child_carries_the_childs_name_from_the_register(
    family_server: RunningServer, frikort_patients: dict[str, str]
) -> None:
    guardian, child = frikort_patients["guardian"], frikort_patients["sibling-9"]
    admin = f"{family_server.url}{ADMIN}"
    try:
        for days in (20, 10):
            requests.post(
                f"{admin}/visits",
                json={"patient": child, "date": ago(days), "fee": 600},
                timeout=10,
            ).raise_for_status()
        response = get(
            family_server.url, FREE_CARD, guardian, act_for=child, name="Gunnar Förälder"
        )
    finally:
        requests.post(f"{admin}/reset", timeout=10).raise_for_status()
    assert response.status_code == 200, response.text
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"{child[:8]}-{child[8:]}" in text and "Gunnar" not in text
    assert "Tove Falk" in text  # the holder's name, from the population register


def test_a_family_card_covers_siblings(
    family_server: RunningServer, frikort_patients: dict[str, str]
) -> None:
    """In a region that charges children, the guardian acting for the 9-year-old and the
    15-year-old signed in themselves see one card: both siblings' fees count on it."""
    seen_by_guardian = get(
        family_server.url, OUTPATIENT, frikort_patients["guardian"], frikort_patients["sibling-9"]
    ).json()
    seen_by_sibling = get(family_server.url, OUTPATIENT, frikort_patients["sibling-15"]).json()
    assert seen_by_guardian == seen_by_sibling
    assert seen_by_guardian["exempt"] is None
    assert seen_by_guardian["paid"] == 500  # 200 for the 9-year-old + 300 for the 15-year-old


@pytest.fixture(scope="module")
def family_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A second server whose region charges fees at every age (no youth exemption)."""
    settings = make_settings(outpatient_fees={"exempt_under_age": 0})
    state = tmp_path_factory.mktemp("family-mocks")
    running = serve_in_thread(lambda url: combined_app(settings, url, state))
    yield running
    running.stop()


def test_visits_are_validated_and_a_refused_one_changes_nothing(
    frikort_admin: Callable[..., Any],
) -> None:
    patient = next(ADULTS)
    bad_digit = patient[:-1] + str((int(patient[-1]) + 1) % 10)
    for body in (
        {"patient": bad_digit, "date": ago(1), "fee": 100},
        {"patient": patient, "date": ago(1), "fee": 0},
        {"patient": patient, "date": "2026-02-30", "fee": 100},
        {"patient": patient, "date": ago(1), "fee": "100"},
        {"patient": patient, "date": ago(1)},
    ):
        response = frikort_admin("POST", "visits", json=body)
        assert response.status_code == 400, body
        assert response.headers["Content-Type"] == "application/problem+json"
    created = frikort_admin("POST", "visits", json={"patient": patient, "date": ago(1), "fee": 100})
    assert created.status_code == 201
    assert (
        created.json()["number"]
        == f"{len(frikort_admin('GET', 'dataset').json()['visits']) + 1:06d}"
    )


def test_the_visits_route_is_in_the_admin_openapi(frikort_admin: Callable[..., Any]) -> None:
    document = frikort_admin("GET", "openapi.json").json()
    operation = document["paths"][f"{ADMIN}/visits"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    visit = document["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert set(visit["required"]) == {"patient", "date", "fee"}
    assert set(operation["responses"]) == {"201", "400"}


def test_a_newer_producer_answer_is_read_and_its_drift_counted(
    base_url: str,
    frikort_patients: dict[str, str],
    frikort_admin: Callable[..., Any],
    http: requests.Session,
) -> None:
    """A card with an element our XSD does not know (in our namespace and in a foreign one):
    the figures are read, and the difference is counted as drift."""

    def drift() -> float:
        text = http.get(f"{base_url}/metrics", timeout=10).text
        return metric(
            text, "etjanst_upstream_drift_total", upstream="frikort", operation="GetCardForPerson"
        )

    before = drift()
    answer = f"""<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
      <r:GetCardForPersonResponse xmlns:r="{GET_CARD_FOR_PERSON.responder_ns}"
          xmlns:e="{CORE_NS}" xmlns:x="urn:example:future:1">
        <r:GetCardForPersonResultType>
          <e:Result><e:ResultCode>OK</e:ResultCode><e:ResultText/></e:Result>
          <e:Card><e:CardSystemId>c1</e:CardSystemId><e:Nature>CARE_VISIT</e:Nature>
            <e:Persons><e:Id>{frikort_patients["paying"]}</e:Id></e:Persons>
            <e:StartDate>2026-08-17T00:00:00</e:StartDate>
            <e:EndDate>2027-08-16T00:00:00</e:EndDate>
            <e:CurrentAmount>700</e:CurrentAmount><e:AmountToLimit>750</e:AmountToLimit>
            <e:CardId>K1</e:CardId><e:SharedWithHks>true</e:SharedWithHks>
            <x:Channel>1177</x:Channel></e:Card>
        </r:GetCardForPersonResultType></r:GetCardForPersonResponse></s:Body></s:Envelope>"""
    stub = {"operation": "GetCardForPerson", "status": 200, "body": answer}
    assert frikort_admin("POST", "stubs", json=stub).status_code == 201
    body = get(base_url, OUTPATIENT, frikort_patients["paying"]).json()
    assert (body["ceiling"], body["paid"], body["left"]) == (1450, 700, 750)
    assert drift() == before + 1


def test_a_soap_fault_is_an_upstream_fault(
    base_url: str, frikort_patients: dict[str, str], frikort_admin: Callable[..., Any]
) -> None:
    frikort_admin("POST", "faults", json={"type": "soap_fault", "code": "VP009"})
    response = get(base_url, OUTPATIENT, frikort_patients["paying"])
    assert (response.status_code, response.json()["code"]) == (502, "UPSTREAM_FAULT")
    assert frikort_patients["paying"] not in response.text
