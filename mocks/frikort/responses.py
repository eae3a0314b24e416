"""GetCardForPerson and GetExtendedCard as the eFrikort producer answers them: the result
(OK, INFO, ERROR, VALIDATION_ERROR, ACCESSDENIED) and the card with its figures."""

from __future__ import annotations

from typing import Any

from lxml import etree
from stdnum import luhn
from stdnum.exceptions import ValidationError as ChecksumError

from contracts.frikort import (
    CARE_VISIT,
    CORE_NS,
    GET_CARD_FOR_PERSON,
    GET_EXTENDED_CARD,
    FrikortInteraction,
)
from mocks.frikort.models import FrikortBackend
from mocks.kit.soap import Call

C = f"{{{CORE_NS}}}"
EMPLOYEE = "SE2321000057-E0001"  # who registered the fees (an invented HSA-id)
CARE_PROVIDER = "SE2321000057-1003"


def get_card_for_person(call: Call) -> bytes:
    request = call.request.payload
    responder = f"{{{GET_CARD_FOR_PERSON.responder_ns}}}"
    person = (request.findtext(f"{responder}PersonId") or "").strip()
    nature = (request.findtext(f"{responder}CardNature") or "").strip()
    early = _business_outcome(call)
    if early is not None:
        return _answer(call, GET_CARD_FOR_PERSON, *early)
    if not _valid_identity(person):
        return _answer(
            call, GET_CARD_FOR_PERSON, "VALIDATION_ERROR", "PersonId is not a valid identity number"
        )
    backend: FrikortBackend = call.backend
    card = backend.current_card(person, call.today) if nature == CARE_VISIT else None
    code, text = _success(call)
    return _answer(call, GET_CARD_FOR_PERSON, code, text, lambda parent: _card(parent, card))


def get_extended_card(call: Call) -> bytes:
    responder = f"{{{GET_EXTENDED_CARD.responder_ns}}}"
    system_id = (call.request.payload.findtext(f"{responder}CardSystemId") or "").strip()
    early = _business_outcome(call)
    if early is not None:
        return _answer(call, GET_EXTENDED_CARD, *early)
    backend: FrikortBackend = call.backend
    card = backend.card(system_id)
    if card is None:
        return _answer(
            call, GET_EXTENDED_CARD, "VALIDATION_ERROR", "no card with this CardSystemId"
        )
    code, text = _success(call)

    def extended(parent: etree._Element) -> None:
        element = _sub(parent, "ExtendedCard")
        _card(element, card)
        for transaction in card["transactions"]:
            _transaction(element, transaction)

    return _answer(call, GET_EXTENDED_CARD, code, text, extended)


def _business_outcome(call: Call) -> tuple[str, str] | None:
    """A `result` fault that replaces the answer (any code but INFO, which only adds a text)."""
    if call.result is not None and call.result.resultCode != "INFO":
        return call.result.resultCode, call.result.message
    return None


def _success(call: Call) -> tuple[str, str]:
    if call.result is not None:  # INFO: done, with a message the citizen must see
        return "INFO", call.result.message
    return "OK", ""


def _valid_identity(number: str) -> bool:
    if len(number) != 12 or not number.isdigit():
        return False
    try:
        luhn.validate(number[2:])
    except ChecksumError:
        return False
    return True


def _answer(
    call: Call, interaction: FrikortInteraction, code: str, text: str, fill: Any = None
) -> bytes:
    response = etree.Element(interaction.response, nsmap={"ns": interaction.responder_ns})
    outcome = etree.SubElement(response, interaction.result, nsmap={"ef": CORE_NS})
    result = _sub(outcome, "Result")
    _sub(result, "ResultCode", code)
    _sub(result, "ResultText", text)
    if fill is not None:
        fill(outcome)
    return etree.tostring(call.validated(response))


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, C + tag)
    if text is not None:
        element.text = text
    return element


def _moment(day: str) -> str:
    return f"{day}T00:00:00"


def _amount(kronor: int) -> str:
    return f"{kronor:.2f}"


def _card(parent: etree._Element, card: dict[str, Any] | None) -> None:
    if card is None:
        return
    element = _sub(parent, "Card")
    _sub(element, "CardSystemId", card["systemId"])
    _sub(element, "Nature", CARE_VISIT)
    for person in card["persons"]:
        _sub(_sub(element, "Persons"), "Id", person)
    if card["guardian"]:
        _sub(element, "GuardianId", card["guardian"])
    _sub(element, "StartDate", _moment(card["start"]))
    if card["limitReached"]:
        _sub(element, "LimitReachedDate", _moment(card["limitReached"]))
    _sub(element, "EndDate", _moment(card["end"]))
    _sub(element, "CurrentAmount", _amount(card["paid"]))
    _sub(element, "AmountToLimit", _amount(card["ceiling"] - card["paid"]))
    _sub(element, "CardId", card["number"])


def _transaction(parent: etree._Element, transaction: dict[str, Any]) -> None:
    element = _sub(parent, "Transactions")
    _sub(element, "TransactionId", transaction["id"])
    _sub(element, "Amount", _amount(transaction["amount"]))
    _sub(element, "TransactionDate", _moment(transaction["date"]))
    _sub(element, "RegistrationDate", _moment(transaction["registered"]))
    _sub(element, "PaymentStatus", "CASH")
    actor = _sub(element, "RegisteredBy")
    _sub(actor, "EmployeeId", EMPLOYEE)
    _sub(actor, "CareProviderId", CARE_PROVIDER)
