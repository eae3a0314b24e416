"""The suite's test cases, by the published ids: what each sends and what it asserts.

Every answer a case gets must be a SOAP answer (not a fault, except in 1.7), valid against the
contract's schema and meet the suite's Schematron constraints; each case then asserts its own
point. Cases register themselves in CASES; conftest.py makes one pytest item of each, named by
its id, so the id is what the JUnit and HTML reports show.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import requests
from lxml import etree

from contracts.suites.cosmic.support import responder_schema, split_unknown
from contracts.suites.producer.get_medication_history.client import (
    HEADER,
    NS,
    PRESCRIPTION,
    Answer,
    Producer,
    Query,
    exists,
    first,
)
from contracts.suites.producer.get_medication_history.parameters import CaseData
from contracts.suites.producer.get_medication_history.schematron import violations

AUTHOR_HEAD = f"{HEADER}/urn1:accountableHealthcareProfessional/urn1:authorTime"
AUTHOR_BODY = f"{PRESCRIPTION}/urn1:prescriber/urn1:authorTime"
START = f"{PRESCRIPTION}/urn1:startOfTreatment"
END = f"{PRESCRIPTION}/urn1:endOfTreatment"
DOCUMENT_ID = f"{HEADER}/urn1:documentId"
OPEN_END = "20501231235959"  # the suite's stand-in for a treatment without end
UTF = {"utf-8", "utf-16"}


@dataclass
class Run:
    """What a case works with: the producer, its data, and the built-in mock's admin API."""

    producer: Producer
    data: CaseData
    today: date
    admin_url: str | None  # only the built-in mocks have one
    memo: dict[str, Any] = field(default_factory=dict)  # across cases: 1.2.1 for suite 8

    def query(self, **changes: Any) -> Query:
        base = Query(self.data["patientId"], self.data["patientIdType"])
        return replace(base, **changes)

    def ask(self, query: Query | None = None, consumer: str | None = None) -> Answer:
        """A call that must give a valid, fault-free answer meeting the constraints."""
        answer = self.producer.ask(query or self.query(), consumer)
        check_answer(answer)
        return answer


def check_answer(answer: Answer) -> None:
    """The assertions every request step has: a SOAP answer, no fault, schema, Schematron."""
    assert answer.fault is None, (
        f"a SOAP fault: {answer.fault}; correlation {answer.correlation_id}"
    )
    assert answer.status == 200, f"HTTP {answer.status}; correlation {answer.correlation_id}"
    payload = answer.payload
    known, _drift = split_unknown(payload)
    schema = responder_schema()
    if not schema.validate(known):
        errors = [f"line {e.line}: {e.message}" for e in schema.error_log][:20]
        raise AssertionError("the answer breaks the schema:\n" + "\n".join(errors))
    broken = violations(payload)
    assert not broken, "the answer breaks the suite's constraints:\n" + "\n".join(broken[:30])


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    run: Callable[[Run], None]


CASES: dict[str, Case] = {}


def case(case_id: str, title: str) -> Callable[[Callable[[Run], None]], Callable[[Run], None]]:
    def register(run: Callable[[Run], None]) -> Callable[[Run], None]:
        CASES[case_id] = Case(case_id, title, run)
        return run

    return register


# --- what the suite's assertions say, over the records of an answer ------------------------


def values(answer: Answer, path: str) -> list[str | None]:
    return [first(record, path) for record in answer.records]


def value_in_all_records(answer: Answer, path: str, expected: str) -> None:
    found = values(answer, path)
    assert found, f"no records to check {path} in (patient data missing?)"
    wrong = [value for value in found if value != expected]
    assert not wrong, (
        f"{path}: {len(wrong)} of {len(found)} records have {wrong[:5]}, not {expected}"
    )


def value_in_any_record(answer: Answer, path: str, expected: str) -> None:
    assert expected in values(answer, path), f"no record has {path} = {expected}"


def element_in_all_records(answer: Answer, path: str) -> None:
    assert answer.records, "no records"
    missing = sum(1 for record in answer.records if not exists(record, path))
    assert not missing, f"{missing} of {len(answer.records)} records lack {path}"


def element_in_any_record(answer: Answer, path: str) -> None:
    assert any(exists(record, path) for record in answer.records), f"no record has {path}"


def element_missing_in_any_record(answer: Answer, path: str) -> None:
    assert any(not exists(record, path) for record in answer.records), f"every record has {path}"


def record_count(answer: Answer, expected: int) -> None:
    assert len(answer.records) == expected, f"{len(answer.records)} records, expected {expected}"


# --- 1 Basic tests --------------------------------------------------------------------------


def _patient_case(run: Run) -> None:
    answer = run.ask()
    value_in_all_records(answer, f"{HEADER}/urn1:patientId/urn1:id", run.data["patientId"])


case("1.1.1", "Personnummer")(_patient_case)
case("1.1.2", "Samordningsnummer")(_patient_case)


@case("1.1.3", "Lokalt reservnummer")
def _reserve_number(run: Run) -> None:
    answer = run.ask(run.query(source_system=run.data["sourceSystemHSAId"]))
    value_in_all_records(answer, f"{HEADER}/urn1:patientId/urn1:id", run.data["patientId"])


def _interval(record: etree._Element) -> tuple[str, str]:
    """The suite's interval of a record: prescribed (the prescriber's authorTime, else
    startOfTreatment, else the header's authorTime) to endOfTreatment, in time order."""
    prescribed = first(record, AUTHOR_BODY) or first(record, START) or first(record, AUTHOR_HEAD)
    ended = first(record, END) or OPEN_END
    prescribed = prescribed or ended
    return min(prescribed, ended), max(prescribed, ended)


def _dates(answer: Answer) -> list[str]:
    """Every day (YYYYMMDD) an unfiltered answer's records mention."""
    days = {
        moment[:8]
        for record in answer.records
        for path in (AUTHOR_HEAD, AUTHOR_BODY, START, END)
        if (moment := first(record, path))
    }
    return sorted(days)


def _day(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


def _expect_period(run: Run, everything: Answer, start: date, end: date) -> None:
    """assertFilteredResponse: the filtered answer holds exactly the unfiltered records whose
    interval overlaps [start, end] (whole days)."""
    first_day, last_day = f"{start:%Y%m%d}", f"{end:%Y%m%d}"
    expected = {
        first(record, DOCUMENT_ID)
        for record, (begins, ends) in ((r, _interval(r)) for r in everything.records)
        if not (ends[:8] < first_day or begins[:8] > last_day)
    }
    answer = run.ask(run.query(period=(start, end)))
    got = {first(record, DOCUMENT_ID) for record in answer.records}
    assert got == expected, (
        f"datePeriod {start:%Y%m%d}-{end:%Y%m%d}: missing {sorted(map(str, expected - got))}, "
        f"unexpected {sorted(map(str, got - expected))}"
    )


def _unfiltered(run: Run) -> Answer:
    answer = run.ask()
    assert answer.records, "no records: the time filter cannot be tested"
    return answer


@case("1.2.1", "DatePeriod")
def _every_day(run: Run) -> None:
    if "1.2.1" not in run.memo:
        try:
            everything = _unfiltered(run)
            for day in _dates(everything):
                _expect_period(run, everything, _day(day), _day(day))
            run.memo["1.2.1"] = None
        except (AssertionError, pytest.fail.Exception) as exc:
            run.memo["1.2.1"] = exc
    if run.memo["1.2.1"] is not None:
        raise AssertionError(f"1.2.1: {run.memo['1.2.1']}")


@case("1.2.2", "DatePeriod intervall")
def _random_periods(run: Run) -> None:
    everything = _unfiltered(run)
    days = _dates(everything)
    first_day, last_day = _day(days[0]), _day(days[-1])
    span = (last_day - first_day).days
    chooser = random.Random()
    for _ in range(int(run.data.get("numberOfIntervals") or 30)):
        start, end = sorted(first_day + timedelta(days=chooser.randint(0, span)) for _ in range(2))
        _expect_period(run, everything, start, end)


@case("1.2.3", "DatePeriod tomt svar")
def _before_everything(run: Run) -> None:
    earliest = _day(_dates(_unfiltered(run))[0])
    answer = run.ask(
        run.query(period=(earliest - timedelta(days=15), earliest - timedelta(days=1)))
    )
    record_count(answer, 0)


@case("1.2.4", "DatePeriod manuell")
def _manual_period(run: Run) -> None:
    everything = _unfiltered(run)
    start, end = run.data.get("datePeriodStart"), run.data.get("datePeriodEnd")
    period = (
        (_day(start), _day(end)) if start and end else (run.today - timedelta(days=365), run.today)
    )
    _expect_period(run, everything, *period)


@case("1.3", "CareUnit")
def _care_unit(run: Run) -> None:
    unit = run.data["careUnitHSAId"]
    answer = run.ask(run.query(care_units=(unit,)))
    value_in_all_records(
        answer,
        f"{HEADER}/urn1:accountableHealthcareProfessional/urn1:healthcareProfessionalCareUnitHSAId",
        unit,
    )


@case("1.4", "SourceSystem")
def _source_system(run: Run) -> None:
    source = run.data["sourceSystemHSAId"]
    answer = run.ask(run.query(source_system=source))
    value_in_all_records(answer, f"{HEADER}/urn1:sourceSystemHSAId", source)


@case("1.5", "CareContact")
def _care_contact(run: Run) -> None:
    contact = run.data["careContactId"]
    answer = run.ask(
        run.query(source_system=run.data["sourceSystemHSAId"], care_contacts=(contact,))
    )
    value_in_all_records(answer, f"{HEADER}/urn1:careContactId", contact)


@case("1.6", "CareGiver")
def _care_giver(run: Run) -> None:
    giver = run.data["careGiverHSAId"]
    answer = run.ask(run.query(care_givers=(giver,)))
    value_in_all_records(
        answer,
        f"{HEADER}/urn1:accountableHealthcareProfessional/urn1:healthcareProfessionalCareGiverHSAId",
        giver,
    )


@case("1.7", "SoapFault")
def _soap_fault(run: Run) -> None:
    """An internal error must come back as a SOAP fault without personal data. The built-in
    mock is told to fail through its admin API; a real producer must be made to fail by hand
    (e.g. its database disconnected), then say faultArranged = true for this case."""
    if run.admin_url is not None:
        rule = {
            "type": "soap_fault",
            "faultcode": "Server",
            "message": "Internal error",
            "times": 1,
        }
        requests.post(f"{run.admin_url}/faults", json=rule, timeout=10).raise_for_status()
    elif run.data.get("faultArranged") != "true":
        pytest.skip(
            "arrange an internal error at the producer, then set faultArranged = true in "
            '[testcase."1.7"]'
        )
    answer = run.producer.ask(run.query())
    assert answer.fault is not None, f"no SOAP fault (HTTP {answer.status})"
    patient = run.data["patientId"]
    assert patient.encode() not in answer.content, "the fault holds the patient's id"


@case("1.8", "NonExisting Patient")
def _unknown_patient(run: Run) -> None:
    record_count(run.ask(), 0)


@case("1.9", "NonExisting CareContact")
def _unknown_care_contact(run: Run) -> None:
    query = run.query(
        source_system=run.data["sourceSystemHSAId"], care_contacts=(run.data["careContactId"],)
    )
    record_count(run.ask(query), 0)


@case("1.10", "prescriptionChainId")
def _chain(run: Run) -> None:
    root, extension = run.data["ChainIdRoot"], run.data["ChainIdExtension"]
    answer = run.ask(run.query(chain=(root, extension)))
    value_in_all_records(answer, f"{PRESCRIPTION}/urn1:prescriptionChainId/urn1:root", root)
    value_in_all_records(
        answer, f"{PRESCRIPTION}/urn1:prescriptionChainId/urn1:extension", extension
    )


def _status_case(run: Run) -> None:
    status = run.data["prescriptionStatus"]
    answer = run.ask(run.query(status=status))
    value_in_all_records(answer, f"{PRESCRIPTION}/urn1:prescriptionStatus", status)


case("1.11", "prescriptionStatus_Active")(_status_case)
case("1.12", "prescriptionStatus_Inactive")(_status_case)

# --- 2 Content tests - General ----------------------------------------------------------------


@case("2.1", "Encoding_HeaderProlog")
def _encoding(run: Run) -> None:
    answer = run.ask()
    header = re.search(r"charset=\"?([\w-]+)", answer.content_type, re.IGNORECASE)
    prolog = re.match(rb"<\?xml[^>]*encoding=[\"']([\w-]+)", answer.content)
    header_set = header.group(1).lower() if header else None
    prolog_set = prolog.group(1).decode().lower() if prolog else None
    assert header_set in UTF | {None}, f"Content-Type charset {header_set}"
    assert prolog_set in UTF | {None}, f"XML prolog encoding {prolog_set}"
    if header_set and prolog_set:
        assert header_set == prolog_set, f"Content-Type says {header_set}, the prolog {prolog_set}"


@case("2.2", "Encoding_SpecialCharacters")
def _special_characters(run: Run) -> None:
    wanted = run.data["testString"]
    texts = (element.text or "" for element in run.ask().payload.iter())
    assert any(wanted in text for text in texts), f"no element holds {wanted!r}"


# --- 3 and 4: what the national platform and the patient rely on ---------------------------

_HEADER_AUTHOR = f"{HEADER}/urn1:accountableHealthcareProfessional"


@case("3.1", "VG_VE")
def _care_unit_and_giver(run: Run) -> None:
    answer = run.ask()
    element_in_all_records(answer, f"{_HEADER_AUTHOR}/urn1:healthcareProfessionalCareUnitHSAId")
    element_in_all_records(answer, f"{_HEADER_AUTHOR}/urn1:healthcareProfessionalCareGiverHSAId")


@case("3.2", "AuthorTime")
def _author_time(run: Run) -> None:
    element_in_all_records(run.ask(), AUTHOR_HEAD)


def _any_value(case_id: str, title: str, path: str, value: str) -> None:
    case(case_id, title)(lambda run: value_in_any_record(run.ask(), path, value))


def _any_element(case_id: str, title: str, path: str) -> None:
    case(case_id, title)(lambda run: element_in_any_record(run.ask(), path))


_any_value("4.1", "ApprovedForPatient_true", f"{HEADER}/urn1:approvedForPatient", "true")
_any_value("4.2", "ApprovedForPatient_false", f"{HEADER}/urn1:approvedForPatient", "false")

# --- 5 Content tests - ContractSpecific -----------------------------------------------------


@case("5.1", "signed")
def _signed(run: Run) -> None:
    signer = f"{HEADER}/urn1:legalAuthenticator"
    assert any(
        exists(record, f"{signer}/urn1:legalAuthenticatorHSAId")
        or exists(record, f"{signer}/urn1:legalAuthenticatorName")
        for record in run.ask().records
    ), "no record is signed (legalAuthenticator with an HSA id or a name)"


case("5.2", "unsigned")(
    lambda run: element_missing_in_any_record(run.ask(), f"{HEADER}/urn1:legalAuthenticator")
)
_any_value("5.4", "typeOfPrescription_Utsättning", f"{PRESCRIPTION}/urn1:typeOfPrescription", "U")
_any_value("5.5", "typeOfPrescription_Insättning", f"{PRESCRIPTION}/urn1:typeOfPrescription", "I")
_any_value("5.6", "prescriptionStatus_Active", f"{PRESCRIPTION}/urn1:prescriptionStatus", "Active")
_any_value(
    "5.7", "prescriptionStatus_Inactive", f"{PRESCRIPTION}/urn1:prescriptionStatus", "Inactive"
)
_any_element("5.8", "treatmentPurpose", f"{PRESCRIPTION}/urn1:treatmentPurpose")


@case("5.9", "prescriptionChains")
def _chain_links(run: Run) -> None:
    def linked(record: etree._Element) -> bool:
        return all(
            len(record.xpath(f"{PRESCRIPTION}/urn1:{link}", namespaces=NS)) == 1
            for link in (
                "precedingPrescriptionId",
                "prescriptionChainId",
                "succeedingPrescriptionId",
            )
        )

    assert any(linked(r) for r in run.ask().records), (
        "no record has precedingPrescriptionId, prescriptionChainId and succeedingPrescriptionId"
    )


_any_element(
    "5.10", "prescriber_Name", f"{PRESCRIPTION}/urn1:prescriber/urn1:healthcareProfessionalName"
)
_any_element(
    "5.11",
    "prescriber_orgUnitName",
    f"{PRESCRIPTION}/urn1:prescriber/urn1:healthcareProfessionalOrgUnit/urn1:orgUnitName",
)
_any_element(
    "5.12", "evaluator_Name", f"{PRESCRIPTION}/urn1:evaluator/urn1:healthcareProfessionalName"
)
_any_element(
    "5.13",
    "evaluator_orgUnitName",
    f"{PRESCRIPTION}/urn1:evaluator/urn1:healthcareProfessionalOrgUnit/urn1:orgUnitName",
)
_any_value("5.14", "selfMedication_false", f"{PRESCRIPTION}/urn1:selfMedication", "false")
_any_value("5.15", "selfMedication_true", f"{PRESCRIPTION}/urn1:selfMedication", "true")
_any_element(
    "5.16",
    "referredInformation_originalText",
    f"{PRESCRIPTION}/urn2:relation/urn2:referredInformation/urn2:type/urn1:originalText",
)
for _id, _title, _path in (
    ("5.17", "drug_unstructuredDrugInformation", "drug/urn1:unstructuredDrugInformation"),
    ("5.18", "drug_merchandise", "drug/urn1:merchandise"),
    ("5.19", "drug_drugArticle", "drug/urn1:drugArticle"),
    ("5.20", "drug_routeOfAdministration", "drug/urn1:drug/urn1:routeOfAdministration"),
    ("5.21", "drug_pharmaceuticalForm", "drug/urn1:drug/urn1:pharmaceuticalForm"),
    ("5.22", "drug_strength", "drug/urn1:drug/urn1:strength"),
    ("5.23", "drug_strengthUnit", "drug/urn1:drug/urn1:strengthUnit"),
    ("5.24", "generics_strength", "drug/urn1:generics/urn1:strength"),
    ("5.25", "generics_form", "drug/urn1:generics/urn1:form"),
    ("5.26", "drug_dosage", "drug/urn1:dosage"),
    (
        "5.27",
        "dispAuth_unstructuredDrugInformation",
        "dispensationAuthorization/urn1:drug/urn1:unstructuredDrugInformation",
    ),
    ("5.28", "dispAuth_merchandise", "dispensationAuthorization/urn1:drug/urn1:merchandise"),
    ("5.29", "dispAuth_drugArticle", "dispensationAuthorization/urn1:drug/urn1:drugArticle"),
    ("5.30", "dispAuth_drug", "dispensationAuthorization/urn1:drug/urn1:drug"),
    ("5.31", "dispAuth_generics", "dispensationAuthorization/urn1:drug/urn1:generics"),
    ("5.32", "admin_routeOfAdministration", "administration/urn1:routeOfAdministration"),
    (
        "5.33",
        "admin_unstructuredDrugInformation",
        "administration/urn1:drug/urn1:unstructuredDrugInformation",
    ),
    ("5.34", "admin_merchandise", "administration/urn1:drug/urn1:merchandise"),
    ("5.35", "admin_drugArticle", "administration/urn1:drug/urn1:drugArticle"),
    ("5.36", "admin_drug", "administration/urn1:drug/urn1:drug"),
    ("5.37", "admin_generics", "administration/urn1:drug/urn1:generics"),
    ("5.38", "admin_dosage", "administration/urn1:drug/urn1:dosage"),
):
    _any_element(_id, _title, f"{PRESCRIPTION}/urn1:{_path}")

# --- 6 Non-functional tests ---------------------------------------------------------------
SLA_SECONDS = 30


def _under_load(run: Run, threads: int, rounds: int) -> None:
    """Both patients' calls from `threads` threads at once, `rounds` times each: every answer
    within the SLA, for its own patient, and the same size every time."""
    patients = (run.data["patientId1"], run.data["patientId2"])

    def call(patient: str) -> tuple[str, int, float]:
        begun = datetime.now()
        answer = run.ask(replace(run.query(), patient_id=patient))
        value_in_all_records(answer, f"{HEADER}/urn1:patientId/urn1:id", patient)
        return patient, len(answer.content), (datetime.now() - begun).total_seconds()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(call, [p for _ in range(threads * rounds) for p in patients]))
    for patient in patients:
        sizes = {size for who, size, _ in results if who == patient}
        assert len(sizes) == 1, f"answers for the same patient differ in size: {sorted(sizes)}"
    slowest = max(seconds for *_, seconds in results)
    assert slowest <= SLA_SECONDS, f"an answer took {slowest:.1f} s (SLA {SLA_SECONDS} s)"


@case("6.1", "Loadtest")
def _load(run: Run) -> None:
    _under_load(run, int(run.data.get("threads") or 10), int(run.data.get("rounds") or 2))


@case("6.2", "Recovery")
def _recovery(run: Run) -> None:
    _under_load(run, int(run.data.get("threads") or 30), 1)
    _patient_case(run)  # and it still answers as before


# --- 7 Consumer tests -----------------------------------------------------------------------


def _consumer_filtering(run: Run) -> str:
    other = run.data.get("httpHeaderHsaId2")
    if other is None:
        pytest.skip(
            "not applicable: for a producer that filters by consumer "
            "(x-rivta-original-serviceconsumer-hsaid), set httpHeaderHsaId2 in "
            f'[testcase."{run.data.case_id}"]'
        )
    return other


@case("7.1", "CareUnit_Blacklisted")
def _unit_filtered_for_consumer(run: Run) -> None:
    other = _consumer_filtering(run)
    everything = run.ask()
    assert everything.records, "the unfiltered answer is empty"
    filtered = run.ask(consumer=other)
    assert len(filtered.records) < len(everything.records), "filtering left as many records"
    hidden = run.data["filterString"]
    assert hidden.lower().encode() not in filtered.content.lower(), (
        f"{hidden!r} is still in the answer"
    )


@case("7.2", "Consumer_Blacklisted")
def _consumer_filtered(run: Run) -> None:
    other = _consumer_filtering(run)
    assert run.ask().records, "the unfiltered answer is empty"
    record_count(run.ask(consumer=other), 0)


@case("7.3", "ConsumerIndependent")
def _same_for_every_consumer(run: Run) -> None:
    first_answer = run.ask()
    assert first_answer.records, "the answer is empty"
    second = run.ask(consumer=run.data["httpHeaderHsaId2"])
    assert _without_log_id(first_answer) == _without_log_id(second), (
        "the consumers get different answers"
    )


def _without_log_id(answer: Answer) -> bytes:
    payload = etree.fromstring(etree.tostring(answer.payload))
    for log_id in payload.iter("{*}logId"):
        log_id.text = "0"
    return etree.tostring(payload, method="c14n")


# --- 8 Testdata: the times the records must cover, for the time filter to be tested ----------


def _testdata_case(
    case_id: str, title: str, body: bool, start: bool, head: bool, end: bool
) -> None:
    """A record whose prescription time comes from exactly this element, with or without an
    end of treatment, after 1.2.1 passed over the same data."""

    def run_case(run: Run) -> None:
        _every_day(run)
        if body:
            wanted = lambda r: exists(r, AUTHOR_BODY) and exists(r, END) == end  # noqa: E731
        else:
            wanted = lambda r: (  # noqa: E731
                not exists(r, AUTHOR_BODY)
                and exists(r, START) == start
                and (start or exists(r, AUTHOR_HEAD) == head)
                and exists(r, END) == end
            )
        assert any(wanted(r) for r in run.ask().records), f"test data missing for {case_id}"

    case(case_id, title)(run_case)


_testdata_case("8.1", "AuthorTimeBody_EndOfTreatment", body=True, start=False, head=False, end=True)
_testdata_case(
    "8.2", "StartOfTreatment_EndOfTreatment", body=False, start=True, head=False, end=True
)
_testdata_case(
    "8.3", "AuthorTimeHeader_EndOfTreatment", body=False, start=False, head=True, end=True
)
_testdata_case("8.4", "AuthorTimeBody", body=True, start=False, head=False, end=False)
_testdata_case("8.5", "StartOfTreatment", body=False, start=True, head=False, end=False)
_testdata_case("8.6", "AuthorTimeHeader", body=False, start=False, head=True, end=False)
