"""eFrikort GetCardForPerson (and GetExtendedCard): request building and XML -> domain card.

Contract element names appear only in this module. Result codes: OK and INFO are answers (INFO
with a text the citizen must see); ACCESSDENIED is a refusal; ERROR and VALIDATION_ERROR mean
the producer did not carry out the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from contracts.frikort import (
    CARE_VISIT,
    CORE_NS,
    GET_CARD_FOR_PERSON,
    GET_EXTENDED_CARD,
    RESULT_CODES,
    UPSTREAM,
    FrikortInteraction,
)
from gateway.domain.identity import Identity
from gateway.domain.outpatient_fees import OutpatientCard
from gateway.errors import UpstreamAccessDenied, UpstreamBusinessError, UpstreamInvalidResponse
from gateway.upstreams.http import UpstreamContext
from gateway.upstreams.riv_xml import Children, Elements, number
from gateway.upstreams.settings import UpstreamSettings
from gateway.upstreams.soap import RivSoapClient, SoapContract

CORE = Elements(CORE_NS)
NAME = UPSTREAM.name


@dataclass(frozen=True)
class CardAnswer:
    card: OutpatientCard | None
    system_id: str | None  # the producer's id of the card (GetExtendedCard's key)
    notice: str | None  # the text of an INFO answer


def _contract(interaction: FrikortInteraction) -> SoapContract:
    return SoapContract(
        interaction.wsdl,
        interaction.binding,
        interaction.schema,
        frozenset({interaction.responder_ns, CORE_NS}),
    )


class FrikortClient(RivSoapClient):
    def __init__(self, settings: UpstreamSettings, context: UpstreamContext) -> None:
        super().__init__(
            UPSTREAM,
            settings,
            context,
            {i.name: _contract(i) for i in (GET_CARD_FOR_PERSON, GET_EXTENDED_CARD)},
        )

    def card_for_person(self, patient: Identity) -> CardAnswer:
        reply = self.call(GET_CARD_FOR_PERSON.name, PersonId=patient.number, CardNature=CARE_VISIT)
        outcome, notice = _outcome(reply.payload, GET_CARD_FOR_PERSON)
        return _card_answer(CORE.child(outcome, "Card"), notice)

    def extended_card(self, system_id: str) -> CardAnswer:
        reply = self.call(GET_EXTENDED_CARD.name, CardSystemId=system_id)
        outcome, notice = _outcome(reply.payload, GET_EXTENDED_CARD)
        extended = CORE.children(CORE.child(outcome, "ExtendedCard"))
        return _card_answer(CORE.child(extended, "Card"), notice)


def _outcome(
    payload: etree._Element, interaction: FrikortInteraction
) -> tuple[Children, str | None]:
    """The answer's result part and an INFO text; raises for every code but OK and INFO."""
    if payload.tag != interaction.response:
        raise UpstreamInvalidResponse(NAME, f"unexpected answer element {payload.tag}")
    outcome = {child.tag: child for child in payload}.get(interaction.result)
    parts = CORE.children(outcome)
    result = CORE.children(CORE.child(parts, "Result"))
    code = CORE.text(result, "ResultCode") or ""
    text = CORE.text(result, "ResultText")
    if code not in RESULT_CODES:
        raise UpstreamInvalidResponse(NAME, "the answer has no valid Result/ResultCode")
    if code == "ACCESSDENIED":
        raise UpstreamAccessDenied(NAME, f"ACCESSDENIED: {text or 'no text'}")
    if code in {"ERROR", "VALIDATION_ERROR"}:
        raise UpstreamBusinessError(NAME, f"{code}: {text or 'no text'}")
    return parts, text if code == "INFO" else None


def _card_answer(element: etree._Element | None, notice: str | None) -> CardAnswer:
    if element is None:
        return CardAnswer(None, None, notice)
    card = CORE.children(element)
    paid = number(CORE.text(card, "CurrentAmount"))
    left = number(CORE.text(card, "AmountToLimit"))
    if paid is None or left is None:
        raise UpstreamInvalidResponse(NAME, "the card has no usable CurrentAmount/AmountToLimit")
    return CardAnswer(
        OutpatientCard(
            number=CORE.text(card, "CardId"),
            start=_day(CORE.text(card, "StartDate")),
            end=_day(CORE.text(card, "EndDate")),
            limit_reached=_day(CORE.text(card, "LimitReachedDate")),
            paid=paid,
            left=max(left, 0.0),
        ),
        CORE.text(card, "CardSystemId"),
        notice,
    )


def _day(text: str | None) -> date | None:
    """The date of an xs:dateTime (its first ten characters); None when absent or unusable."""
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
