"""What the gateway relies on from an eFrikort producer (GetCardForPerson, GetExtendedCard 1.0,
RIVTABP21). Written once, run against the built-in mocks or a real producer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import pytest
from lxml import etree

from contracts.frikort import CORE_NS, GET_CARD_FOR_PERSON, GET_EXTENDED_CARD, RESULT_CODES
from contracts.privacy import mask_text
from contracts.riv import REGISTRY_NS, SAFE_PARSER, SOAP_ENV
from contracts.suites.drift import report_drift
from contracts.suites.frikort.conftest import Wire
from gateway.domain.identity import Identity
from gateway.errors import UpstreamBusinessError
from gateway.upstreams.frikort import FrikortClient

C = f"{{{CORE_NS}}}"


@cache
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path, SAFE_PARSER))


def _result_code(payload: etree._Element) -> str | None:
    return payload.findtext(f"*/{C}Result/{C}ResultCode")


def test_answer_is_valid_against_our_schema(
    frikort: FrikortClient, unknown_patient: Identity, wire: Wire
) -> None:
    reply = frikort.call(
        GET_CARD_FOR_PERSON.name, PersonId=unknown_patient.number, CardNature="CARE_VISIT"
    )
    assert wire.received is not None and wire.received.status_code == 200
    assert reply.payload.tag == GET_CARD_FOR_PERSON.response
    assert _result_code(reply.payload) in RESULT_CODES
    schema = _schema(str(GET_CARD_FOR_PERSON.schema))
    errors = [] if schema.validate(reply.payload) else list(schema.error_log)
    lines = [mask_text(f"line {e.line}: {e.message}") for e in errors]
    assert not lines or reply.drift, "the answer breaks our XSD:\n" + "\n".join(lines[:20])


def test_request_carries_the_riv_headers(
    frikort: FrikortClient, unknown_patient: Identity, wire: Wire
) -> None:
    frikort.card_for_person(unknown_patient)
    assert wire.sent is not None
    headers = {k.lower(): v for k, v in wire.sent.headers.items()}
    assert headers["soapaction"].strip('"') == GET_CARD_FOR_PERSON.soap_action
    assert headers["x-rivta-original-serviceconsumer-hsaid"]
    envelope = etree.fromstring(wire.sent.body, SAFE_PARSER)
    address = envelope.findtext(f"{{{SOAP_ENV}}}Header/{{{REGISTRY_NS}}}LogicalAddress")
    assert address == frikort.settings.logical_address


def test_a_person_without_fees_has_no_card(
    frikort: FrikortClient, unknown_patient: Identity
) -> None:
    assert frikort.card_for_person(unknown_patient).card is None


def test_the_card_keeps_the_rules_of_a_period(frikort: FrikortClient, with_card: Identity) -> None:
    answer = frikort.card_for_person(with_card)
    card = answer.card
    assert card is not None, "the test patient has no card this period"
    assert card.start is not None and card.end is not None
    anniversary = date(card.start.year + 1, card.start.month, 1) + timedelta(
        days=card.start.day - 1
    )
    assert card.end == anniversary - timedelta(days=1), "a period runs 12 months from its start"
    assert card.paid >= 0 and card.left >= 0 and card.ceiling > 0
    if card.limit_reached is not None:
        assert card.start <= card.limit_reached <= card.end
        assert card.left == 0, "a card that reached its limit has nothing left to pay"
    assert answer.system_id, "the card has a CardSystemId"


def test_the_extended_card_adds_up(frikort: FrikortClient, with_card: Identity) -> None:
    answer = frikort.card_for_person(with_card)
    assert answer.system_id is not None
    reply = frikort.call(GET_EXTENDED_CARD.name, CardSystemId=answer.system_id)
    extended = reply.payload.find(f"{GET_EXTENDED_CARD.result}/{C}ExtendedCard")
    assert extended is not None, "GetExtendedCard answers the card it was asked about"
    assert extended.findtext(f"{C}Card/{C}CardSystemId") == answer.system_id
    amounts = [
        float(a)
        for a in extended.xpath("c:Transactions/c:Amount/text()", namespaces={"c": CORE_NS})
    ]
    assert answer.card is not None
    assert abs(sum(amounts) - answer.card.paid) < 0.005, "the transactions add up to CurrentAmount"
    assert frikort.extended_card(answer.system_id).card == answer.card


def test_an_invalid_person_id_is_a_validation_error(
    frikort: FrikortClient, unknown_patient: Identity
) -> None:
    wrong_digit = unknown_patient.number[:-1] + str((int(unknown_patient.number[-1]) + 1) % 10)
    reply = frikort.call(GET_CARD_FOR_PERSON.name, PersonId=wrong_digit, CardNature="CARE_VISIT")
    assert _result_code(reply.payload) == "VALIDATION_ERROR"
    with pytest.raises(UpstreamBusinessError):  # ERROR or VALIDATION_ERROR: not an answer
        frikort.extended_card("00000000-0000-0000-0000-000000000000")


def test_drift_is_reported_not_failed(
    frikort: FrikortClient,
    unknown_patient: Identity,
    record_property: Callable[[str, object], None],
) -> None:
    """What the gateway logs as drift lands in the JUnit XML (property `drift`) and as a
    warning."""
    reply = frikort.call(
        GET_CARD_FOR_PERSON.name, PersonId=unknown_patient.number, CardNature="CARE_VISIT"
    )
    report_drift(record_property, reply.drift)
