"""What the gateway relies on from a GetMedicationHistory v2 producer (RIVTABP21).

Written once, run against the built-in mocks or a real producer (see conftest.py for test data).
Each test names one promise; a failure says which promise the target broke. Drift (elements our
contract does not know) is reported in the JUnit XML and as a warning, never failed: the gateway
tolerates it, and the report is how we learn to update contracts/cosmic/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from lxml import etree

from contracts.cosmic import SOAP_ACTION
from contracts.privacy import mask_text
from contracts.riv import REGISTRY_NS, SAFE_PARSER, SOAP_ENV
from contracts.suites.cosmic.support import (
    CosmicData,
    Exchange,
    Probe,
    R,
    raw_records,
    request_envelope,
    responder_schema,
    soap_fault,
    split_unknown,
    timestamp,
)
from contracts.suites.drift import report_drift
from contracts.suites.target import Target
from gateway.domain.identity import Identity
from gateway.domain.units import HSA_ID
from gateway.errors import UpstreamBusinessError

RESULT_CODES = {"OK", "INFO", "ERROR"}
BOOLEANS = {"true", "false", "1", "0"}
# Far enough back and ahead to hold every record a patient has.
ALL_TIME = (date(1900, 1, 1), date(2099, 12, 31))
OTHER_SOURCE_SYSTEM = "SE0000000000-CONTRACT1"


def _ok(exchange: Exchange) -> list[str]:
    """The records' keys of an OK/INFO answer; fails with the reason otherwise."""
    code = exchange.result("resultCode")
    assert code in {"OK", "INFO"}, (
        f"resultCode {code} ({mask_text(exchange.result('message') or '')}); "
        f"correlation id {exchange.correlation_id}"
    )
    return [r.key for r in raw_records(exchange.payload)]


def test_answer_is_a_soap_envelope_valid_against_our_schema(
    cosmic: Probe, any_patient: Identity, any_unit: str, window: tuple[date, date]
) -> None:
    exchange = cosmic.ask(any_patient, [any_unit], *window)
    response = exchange.response
    assert response is not None, f"no answer: {exchange.error}"
    assert response.status_code == 200, f"HTTP {response.status_code}: {soap_fault(response)}"
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    assert media_type == "text/xml", "SOAP 1.1 answers are text/xml"

    document = etree.fromstring(response.content, SAFE_PARSER)
    assert document.tag == f"{{{SOAP_ENV}}}Envelope", "not a SOAP 1.1 envelope"
    body = document.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None, "the envelope has no Body"
    payloads = [child for child in body if isinstance(child.tag, str)]
    assert [p.tag for p in payloads] == [f"{R}GetMedicationHistoryResponse"]

    known, _unknown = split_unknown(payloads[0])  # unknown elements: see the drift test
    schema = responder_schema()
    errors = [] if schema.validate(known) else list(schema.error_log)
    lines = [mask_text(f"line {e.line}: {e.message}") for e in errors]
    assert not lines, "the answer breaks our responder XSD:\n" + "\n".join(lines[:20])

    assert exchange.result("resultCode") in RESULT_CODES
    assert (exchange.result("logId") or "").strip(), "result/logId is empty"


def test_drift_is_reported_not_failed(
    cosmic: Probe,
    any_patient: Identity,
    any_unit: str,
    window: tuple[date, date],
    record_property: Callable[[str, object], None],
) -> None:
    """What the gateway logs as drift lands in the JUnit XML (property `drift`) and as a
    warning; the test fails only when the gateway could not map the records."""
    exchange = cosmic.ask(any_patient, [any_unit], *window)
    report_drift(record_property, exchange.reply.drift if exchange.reply else [])
    assert exchange.error is None, f"the gateway could not use the answer: {exchange.error}"
    assert exchange.history is not None
    count = len(raw_records(exchange.payload))
    assert len(exchange.history.records) == count, "the gateway skipped records it could not map"


def test_every_record_has_what_the_gateway_needs(
    cosmic: Probe, data: CosmicData, window: tuple[date, date]
) -> None:
    exchange = cosmic.ask(data.patient, [data.unit], *window)
    _ok(exchange)
    records = raw_records(exchange.payload)
    assert records, f"no records for the test patient at {data.unit} ({data.source})"

    problems = []
    for number, record in enumerate(records, 1):
        missing = []
        if not record.prescription_id:
            missing.append("prescriptionId")
        if timestamp(record.header_author_time) is None:
            missing.append("header authorTime as YYYYMMDDhhmmss")
        if record.prescriber_author_time and timestamp(record.prescriber_author_time) is None:
            missing.append("prescriber authorTime as YYYYMMDDhhmmss")
        if record.type_of_prescription not in {"I", "U"}:
            missing.append(f"typeOfPrescription I|U (got {record.type_of_prescription})")
        if record.prescription_status not in {"Active", "Inactive"}:
            missing.append(f"prescriptionStatus Active|Inactive (got {record.prescription_status})")
        if (record.approved_for_patient or "").lower() not in BOOLEANS:
            missing.append("approvedForPatient as a boolean")
        if not HSA_ID.fullmatch(record.care_unit or ""):
            missing.append("the header's care unit HSA-id")
        if missing:
            problems.append(f"record {number} ({record.key}): " + ", ".join(missing))
    assert not problems, "\n".join(problems)

    assert exchange.history is not None, f"the gateway could not map them: {exchange.error}"
    mapped = {r.prescription_id for r in exchange.history.records}
    assert mapped == {r.key for r in records}, "parse_medication_history skipped records"


def test_care_unit_filter_returns_only_the_requested_units(
    cosmic: Probe, data: CosmicData, window: tuple[date, date]
) -> None:
    exchange = cosmic.ask(data.filter_patient, data.filter_units, *window)
    _ok(exchange)
    records = raw_records(exchange.payload)
    assert records, f"no records at {', '.join(data.filter_units)} ({data.source})"
    asked = {unit.upper() for unit in data.filter_units}
    others = sorted(
        {f"{r.key} at {r.care_unit}" for r in records if (r.care_unit or "").upper() not in asked}
    )
    assert not others, "records from units not asked for: " + ", ".join(others)


def test_date_period_has_overlap_semantics(
    cosmic: Probe, data: CosmicData, window: tuple[date, date]
) -> None:
    """A record counts from its authorTime to its endOfTreatment (open-ended without one): one
    written before the period that is still going on, or ends inside it, comes back; one that
    ended before the period does not. Expectations come from the producer's own full answer."""
    start, end = window
    everything = cosmic.ask(data.patient, [data.unit], *ALL_TIME)
    _ok(everything)
    records = raw_records(everything.payload)
    straddling = [
        r for r in records if r.authored and r.authored.date() < start and r.overlaps(start, end)
    ]
    ended = [r for r in records if r.ended and r.ended.date() < start]
    if not straddling or not ended:
        pytest.skip(
            "the test data needs a record written before the period that is still going on "
            "and one that ended before it, at the test unit"
        )

    windowed = cosmic.ask(data.patient, [data.unit], start, end)
    returned = set(_ok(windowed))
    expected = {r.key for r in records if r.overlaps(start, end)}
    assert not (expected - returned), (
        f"overlapping records not returned for {start}..{end}: {sorted(expected - returned)}"
    )
    assert not (returned - expected), (
        f"records outside {start}..{end} returned: {sorted(returned - expected)}"
    )


def test_status_active_returns_only_active_records(cosmic: Probe, data: CosmicData) -> None:
    everything = cosmic.ask(data.patient, [data.unit], *ALL_TIME)
    _ok(everything)
    statuses = {r.key: r.prescription_status for r in raw_records(everything.payload)}
    if "Inactive" not in statuses.values() or "Active" not in statuses.values():
        pytest.skip("the test data needs both an Active and an Inactive record at the test unit")

    active = cosmic.ask(data.patient, [data.unit], *ALL_TIME, prescriptionStatus="Active")
    _ok(active)
    records = raw_records(active.payload)
    assert records, "prescriptionStatus=Active returned nothing, though Active records exist"
    inactive = sorted(r.key for r in records if r.prescription_status != "Active")
    assert not inactive, "prescriptionStatus=Active returned other records: " + ", ".join(inactive)


def test_source_system_other_than_logical_address_is_invalid_request(
    cosmic: Probe,
    target: Target,
    any_patient: Identity,
    any_unit: str,
    window: tuple[date, date],
) -> None:
    assert OTHER_SOURCE_SYSTEM.upper() != (cosmic.settings.logical_address or "").upper()
    exchange = cosmic.ask(any_patient, [any_unit], *window, sourceSystemHSAId=OTHER_SOURCE_SYSTEM)
    assert exchange.response is not None, f"no answer: {exchange.error}"
    assert soap_fault(exchange.response) is None, "a business error must not be a SOAP fault"
    assert exchange.response.status_code == 200
    assert exchange.result("resultCode") == "ERROR"
    assert exchange.result("errorCode") == "INVALID_REQUEST"
    assert isinstance(exchange.error, UpstreamBusinessError), "the gateway must refuse it"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param(
            lambda la, patient: request_envelope(
                la,
                "<r:GetMedicationHistory><r:patientId>"
                f"<c:id>{patient.number}</c:id>"
                "</r:patientId></r:GetMedicationHistory>",
            ),
            r"\btype\b|patientId",
            id="patient-id-without-type",
        ),
        pytest.param(
            lambda la, patient: b"this is not a SOAP message",
            r"XML|SOAP|Envelope",
            id="not-soap",
        ),
    ],
)
def test_invalid_request_is_a_client_fault(
    cosmic: Probe,
    target: Target,
    any_patient: Identity,
    body: Callable[[str, Identity], bytes],
    named: str,
) -> None:
    exchange = cosmic.post(body(cosmic.settings.logical_address or "", any_patient))
    response = exchange.response
    assert response is not None
    assert response.status_code == 500, "a SOAP 1.1 fault comes with HTTP 500"
    fault = soap_fault(response)
    assert fault is not None, "the answer is not a SOAP fault"
    assert fault.faultcode.endswith("Client"), f"faultcode {fault.faultcode}, expected *:Client"
    assert re.search(named, fault.faultstring, re.IGNORECASE), (
        f"the faultstring does not name the problem: {mask_text(fault.faultstring)!r}"
    )


def test_riv_ta_headers_and_soap_action_are_accepted(
    cosmic: Probe,
    target: Target,
    any_patient: Identity,
    any_unit: str,
    window: tuple[date, date],
) -> None:
    exchange = cosmic.ask(any_patient, [any_unit], *window)
    sent = exchange.request
    assert sent is not None, f"nothing was sent: {exchange.error}"
    assert sent.headers.get("x-rivta-original-serviceconsumer-hsaid") == target.consumer_hsa_id
    assert sent.headers.get("x-skltp-correlation-id") == exchange.correlation_id
    assert sent.headers.get("SOAPAction", "").strip('"') == SOAP_ACTION
    envelope = etree.fromstring(sent.body or b"", SAFE_PARSER)
    logical_address = envelope.findtext(f"{{{SOAP_ENV}}}Header/{{{REGISTRY_NS}}}LogicalAddress")
    assert logical_address == cosmic.settings.logical_address

    assert exchange.response is not None and exchange.response.status_code == 200
    assert soap_fault(exchange.response) is None
    _ok(exchange)


def test_unknown_patient_is_ok_without_records(
    cosmic: Probe, unknown_patient: Identity, any_unit: str, window: tuple[date, date]
) -> None:
    exchange = cosmic.ask(unknown_patient, [any_unit], *window)
    assert exchange.result("resultCode") == "OK"
    assert _ok(exchange) == []
    assert exchange.history is not None and exchange.history.records == []
