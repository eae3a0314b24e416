"""The population register mock on its own, over HTTP: each person's record from their side of
each relation, protected identity, SOAP faults for bad requests, and its admin API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
import zeep
from lxml import etree

from contracts.population import CORE_NS, EXT_NS, OPERATION, RESPONDER_NS, SOAP_ACTION, WSDL
from contracts.population import UPSTREAM as POPULATION
from tests.conftest import TODAY
from tests.test_readme import section

ENDPOINT = f"{POPULATION.mock_path}/{POPULATION.interaction(OPERATION).path}"
ADMIN = f"{POPULATION.mock_path}/_admin"
R, C, X = f"{{{RESPONDER_NS}}}", f"{{{CORE_NS}}}", f"{{{EXT_NS}}}"
YESTERDAY = f"{TODAY - timedelta(days=1):%Y%m%d}"


@pytest.fixture(scope="module")
def people(base_url: str, http: requests.Session) -> dict[str, str]:
    http.post(f"{base_url}{ADMIN}/reset").raise_for_status()
    residents = http.get(f"{base_url}{ADMIN}/dataset", timeout=10).json()["residents"]
    return {r["label"]: r["id"] for r in residents}


@pytest.fixture
def admin(base_url: str, http: requests.Session) -> Iterator[Callable[..., requests.Response]]:
    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return http.request(method, f"{base_url}{ADMIN}/{path}", timeout=10, **kwargs)

    yield call
    http.post(f"{base_url}{ADMIN}/reset").raise_for_status()


@pytest.fixture(scope="module")
def lookup(base_url: str, http: requests.Session) -> Callable[..., requests.Response]:
    """LookupResidentForFullProfile straight to the mock (zeep builds it from our WSDL)."""
    client = zeep.Client(str(WSDL))

    def send(*numbers: str) -> requests.Response:
        message = client.create_message(
            client.service,
            OPERATION,
            _soapheaders={"LogicalAddress": POPULATION.logical_address},
            personId=list(numbers),
            lookUpSpecification={},
        )
        return post(http, base_url, etree.tostring(message))

    return send


def post(http: requests.Session, base_url: str, body: bytes) -> requests.Response:
    headers = {"SOAPAction": f'"{SOAP_ACTION}"', "Content-Type": "text/xml; charset=utf-8"}
    return http.post(f"{base_url}{ENDPOINT}", data=body, headers=headers, timeout=10)


def residents(response: requests.Response) -> dict[str, etree._Element]:
    assert response.status_code == 200, response.text
    answer = etree.fromstring(response.content)[1][0]
    return {r.findtext(f"{C}Personpost/{C}PersonId"): r for r in answer.iter(f"{R}resident")}


def relations(resident: etree._Element) -> list[tuple[str, str, str | None]]:
    return [
        (
            r.findtext(f"{C}RelationId/{C}PersonNr"),
            r.findtext(f"{C}Relationstyp"),
            r.findtext(f"{C}RelationTomdatum"),
        )
        for r in resident.iter(f"{C}Relation")
    ]


def test_a_child_record_shows_guardian_and_parents(
    lookup: Callable[..., requests.Response], people: dict[str, str]
) -> None:
    child = residents(lookup(people["child-12"]))[people["child-12"]]
    assert child.findtext(f"{C}Sekretessmarkering") == "N"
    assert child.findtext(f"{C}Personpost/{C}Namn/{C}Fornamn") == "Oskar"
    assert sorted(relations(child)) == sorted(
        [
            (people["adult-rules"], "V", None),
            (people["adult-rules"], "MO", None),
            (people["parent-not-guardian"], "FA", None),
        ]
    )


def test_a_guardian_record_shows_custody_and_its_end(
    lookup: Callable[..., requests.Response], people: dict[str, str]
) -> None:
    guardian = residents(lookup(people["adult-rules"]))[people["adult-rules"]]
    custody = {number: end for number, kind, end in relations(guardian) if kind == "VF"}
    assert custody == {
        people["child-12"]: None,
        people["child-turns-13-today"]: None,
        people["child-protected"]: None,
        people["child-guardianship-ended"]: YESTERDAY,
    }
    names = guardian.find(f"{C}Personpost/{C}Namn")
    assert (names.findtext(f"{C}Tilltalsnamnsmarkering"), names.findtext(f"{C}Fornamn")) == (
        "20",
        "Anna Karin",
    )


def test_protected_identity_shows_the_id_and_the_flag_only(
    lookup: Callable[..., requests.Response], people: dict[str, str]
) -> None:
    protected = residents(lookup(people["child-protected"]))[people["child-protected"]]
    assert protected.findtext(f"{C}Sekretessmarkering") == "J"
    record = protected.find(f"{C}Personpost")
    assert [child.tag for child in record] == [f"{C}PersonId", f"{X}Relationer"]
    assert len(record.find(f"{X}Relationer")) == 0
    # and no name where others' records name the child
    guardian = residents(lookup(people["adult-rules"]))[people["adult-rules"]]
    (relation,) = [
        r
        for r in guardian.iter(f"{C}Relation")
        if r.findtext(f"{C}RelationId/{C}PersonNr") == people["child-protected"]
        and r.findtext(f"{C}Relationstyp") == "VF"
    ]
    assert relation.find(f"{C}Namn") is None


def test_one_resident_per_known_person_in_the_order_asked(
    lookup: Callable[..., requests.Response], people: dict[str, str]
) -> None:
    unknown = "190001019903"
    found = residents(lookup(people["deceased"], unknown, people["child-12"], people["deceased"]))
    assert list(found) == [people["deceased"], people["child-12"]]
    deceased = found[people["deceased"]]
    assert deceased.findtext(f"{C}Personpost/{C}Avregistrering/{C}AvregistreringsorsakKod") == "AV"
    coordination = residents(lookup(people["samordningsnummer"]))[people["samordningsnummer"]]
    assert coordination.findtext(f"{C}Personpost/{C}Fodelsetid") == "19900312"  # day - 60


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("<r:personId>19680415238X</r:personId><r:lookUpSpecification/>", "violates the schema"),
        ("<r:personId>196804152384</r:personId>", "violates the schema"),
    ],
)
def test_a_request_the_contract_does_not_allow_is_a_client_fault(
    base_url: str, http: requests.Session, payload: str, expected: str
) -> None:
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:r="{RESPONDER_NS}"><s:Header><l:LogicalAddress xmlns:l="urn:riv:itintegration:'
        f'registry:1">5565594230</l:LogicalAddress></s:Header><s:Body>'
        f"<r:LookupResidentForFullProfile>{payload}</r:LookupResidentForFullProfile>"
        "</s:Body></s:Envelope>"
    ).encode()
    response = post(http, base_url, body)
    assert response.status_code == 500
    fault = etree.fromstring(response.content)[1][0]
    assert fault.findtext("faultcode") == "soap:Client"
    assert expected in fault.findtext("faultstring")
    assert "196804152384" not in response.text


def test_admin_refuses_a_relation_to_nobody_and_a_result_fault(
    admin: Callable[..., requests.Response], people: dict[str, str]
) -> None:
    dataset = admin("GET", "dataset").json()
    dataset["custody"].append({"guardian": people["adult-rules"], "child": "190001019903"})
    response = admin("PUT", "dataset", json=dataset)
    assert response.status_code == 400 and "two residents" in response.json()["detail"]
    # the contract has no result code: business faults are not this mock's
    result = admin("POST", "faults", json={"type": "result", "resultCode": "ERROR"})
    assert result.status_code == 400
    labels = {p["label"] for p in admin("GET", "patients").json()["patients"]}
    assert {"adult-rules", "child-protected", "parent-not-guardian"} <= labels


def test_readme_table_is_the_registers_default_dataset(people: dict[str, str]) -> None:
    rows = re.findall(
        r"^\| `([a-z0-9-]+)` \| `(\d{12})` \|",
        section("People of the population register"),
        re.MULTILINE,
    )
    assert dict(rows) == people
