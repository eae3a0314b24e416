"""The high-cost database (HKDB): HamtaHkdbKonto v1 and XML -> the domain's account. Contract
element names appear only here. An ApplicationException is the upstream refusing (like any
SOAP fault); a SystemException is the upstream failing (unavailable)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from contracts.ehm.hkdb import (
    BINDING,
    OPERATION,
    RESPONDER_NS,
    RESPONDER_XSD,
    TRANSACTIONS,
    TRANSACTIONS_BINDING,
    TRANSACTIONS_NS,
    TRANSACTIONS_WSDL,
    TRANSACTIONS_XSD,
    UPSTREAM,
    WSDL,
)
from gateway.domain.high_cost import AccountPeriod, Amounts, HighCostAccount, Transaction
from gateway.domain.identity import Identity
from gateway.errors import UpstreamError, UpstreamInvalidResponse, UpstreamUnavailable
from gateway.upstreams.http import UpstreamContext
from gateway.upstreams.riv_xml import Elements
from gateway.upstreams.settings import UpstreamSettings
from gateway.upstreams.soap import RivSoapClient, SoapContract

R = f"{{{RESPONDER_NS}}}"
PRIS = Elements(RESPONDER_NS)
T = f"{{{TRANSACTIONS_NS}}}"
WEBB = Elements(TRANSACTIONS_NS)
CONTRACT = SoapContract(WSDL, BINDING, RESPONDER_XSD, frozenset({RESPONDER_NS}))
TRANSACTIONS_CONTRACT = SoapContract(
    TRANSACTIONS_WSDL, TRANSACTIONS_BINDING, TRANSACTIONS_XSD, frozenset({TRANSACTIONS_NS})
)
CLIENT_SYSTEM = "etjanst-gateway"


class HkdbClient(RivSoapClient):
    def __init__(self, settings: UpstreamSettings, context: UpstreamContext) -> None:
        contracts = {OPERATION: CONTRACT, TRANSACTIONS: TRANSACTIONS_CONTRACT}
        super().__init__(UPSTREAM, settings, context, contracts)
        self.client_information = {"anvandare": context.consumer_hsa_id, "system": CLIENT_SYSTEM}

    def account(self, patient: Identity) -> HighCostAccount:
        reply = self.call(
            OPERATION, klientinformation=self.client_information, persNr=patient.number
        )
        return parse_account(reply.payload)

    def transactions(self, patient: Identity) -> list[Transaction]:
        """The account's latest transactions (the producer chooses how many: five)."""
        reply = self.call(
            TRANSACTIONS, klientinformation=self.client_information, persNr=patient.number
        )
        return parse_transactions(reply.payload)

    def fault_error(self, text: str, detail: etree._Element | None) -> UpstreamError:
        if detail is not None and detail.find(f"{R}SystemException") is not None:
            return UpstreamUnavailable(self.upstream.name, text)
        return super().fault_error(text, detail)


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _amounts(element: etree._Element | None) -> Amounts | None:
    values = PRIS.children(element)
    gross, net = _decimal(PRIS.text(values, "brutto")), _decimal(PRIS.text(values, "netto"))
    if element is None or gross is None or net is None:
        return None
    return Amounts(gross, net)


def _start(text: str | None) -> date | None:
    try:
        return datetime.fromisoformat(text).date() if text else None
    except ValueError:
        return None


def _period(element: etree._Element | None) -> AccountPeriod | None:
    if element is None:
        return None
    values = PRIS.children(element)
    paid = _amounts(PRIS.child(values, "balans"))
    if paid is None:
        raise UpstreamInvalidResponse(UPSTREAM.name, "a period without a usable balans")
    return AccountPeriod(_start(PRIS.text(values, "start")), paid)


def parse_account(payload: etree._Element) -> HighCostAccount:
    if payload.tag != f"{R}HamtaHkdbKontoResponse":
        raise UpstreamInvalidResponse(UPSTREAM.name, f"unexpected answer element {payload.tag}")
    values = PRIS.children(payload)
    enrolled = PRIS.text(values, "ansluten")
    if enrolled not in {"true", "false", "1", "0"}:
        raise UpstreamInvalidResponse(UPSTREAM.name, "the answer has no valid ansluten")
    level = PRIS.text(values, "formansNiva")
    return HighCostAccount(
        enrolled=enrolled in {"true", "1"},
        discount_percent=int(level) if level and level.lstrip("-").isdigit() else None,
        current=_period(PRIS.child(values, "innevPeriod")),
        previous=_period(PRIS.child(values, "foregPeriod")),
        left_until_free_card=_amounts(PRIS.child(values, "kvarTillFrikort")),
    )


def parse_transactions(payload: etree._Element) -> list[Transaction]:
    """A transaction without a usable time or balance is skipped (the rest still count)."""
    if payload.tag != f"{T}HamtaHkdbTransaktionerWebbResponse":
        raise UpstreamInvalidResponse(UPSTREAM.name, f"unexpected answer element {payload.tag}")
    found = []
    for element in payload.iterfind(f"{T}transaktionsLista"):
        values = WEBB.children(element)
        period = WEBB.children(WEBB.child(values, "transPeriod"))
        net = _decimal(WEBB.text(WEBB.children(WEBB.child(period, "balans")), "netto"))
        before = _decimal(WEBB.text(values, "inEgenavgift"))  # öre
        on = _start(WEBB.text(values, "transTid"))
        if on is not None and net is not None and before is not None:
            start = _start(WEBB.text(period, "start"))
            found.append(Transaction(on, start, before / 100, net))
    return found
