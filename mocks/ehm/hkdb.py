"""The high-cost database mock: HamtaHkdbKonto v1 and HamtaHkdbTransaktionerWebb v1 over the
kit's SOAP adapter (RIVTABP20: `wsa:To` routing header), its faults as ApplicationException /
SystemException details, and the admin route test teams register purchases with
(`POST /mocks/ehm_hkdb/_admin/purchases`)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from lxml import etree

from contracts.ehm.hkdb import (
    OPERATION,
    RESPONDER_NS,
    RESPONDER_XSD,
    SOAP_ACTION,
    TRANSACTIONS,
    TRANSACTIONS_NS,
    TRANSACTIONS_SOAP_ACTION,
    TRANSACTIONS_WSDL,
    TRANSACTIONS_XSD,
    UPSTREAM,
    WSA_TO,
    WSDL,
)
from mocks.ehm.hkdb_data import default_dataset
from mocks.ehm.hkdb_models import (
    Account,
    Entry,
    HkdbBackend,
    HkdbDataset,
    Period,
    Purchase,
    Purchases,
    seed,
)
from mocks.kit import rules
from mocks.kit.mock import AdminRoute, Patient
from mocks.kit.soap import SOAP_FAULTS, Call, SoapMock, SoapOperation
from mocks.kit.store import Entities

R = f"{{{RESPONDER_NS}}}"


class ApotekFault(rules.Rule):
    """The contract's own faults: `ApplicationException` (the request cannot be served, e.g.
    an unknown person) or `SystemException` (the service is failing), in the fault's detail."""

    type: Literal["apotek_fault"]
    exception: Literal["ApplicationException", "SystemException"] = "ApplicationException"
    code: str = "PRIS001"
    description: str = "Personen saknas i högkostnadsdatabasen"


def _patient(payload: etree._Element) -> str | None:
    return payload.findtext(f"{R}persNr") or payload.findtext(f"{{{TRANSACTIONS_NS}}}persNr")


def _amounts(parent: etree._Element, name: str, gross: Decimal, net: Decimal) -> None:
    element = etree.SubElement(parent, R + name)
    etree.SubElement(element, R + "brutto").text = f"{gross:.2f}"
    etree.SubElement(element, R + "netto").text = f"{net:.2f}"


def _period(parent: etree._Element, name: str, period: Period | None) -> None:
    if period is None:
        return
    element = etree.SubElement(parent, R + name)
    _amounts(element, "balans", period.gross, period.net)
    etree.SubElement(element, R + "start").text = datetime.combine(period.start, time()).isoformat()


def account_element(account: Account) -> etree._Element:
    answer = etree.Element(R + "HamtaHkdbKontoResponse", nsmap={None: RESPONDER_NS})
    etree.SubElement(answer, R + "ansluten").text = "true" if account.enrolled else "false"
    if account.enrolled:
        _period(answer, "foregPeriod", account.previous)
        if account.discount_percent is not None:
            etree.SubElement(answer, R + "formansNiva").text = str(account.discount_percent)
    if account.guardian:
        etree.SubElement(answer, R + "huvudPersNr").text = account.guardian
    if account.enrolled:
        _period(answer, "innevPeriod", account.current)
        left = account.left_until_free_card
        if left is not None:
            _amounts(answer, "kvarTillFrikort", *left)
    etree.SubElement(answer, R + "persNr").text = account.patient
    return answer


T = f"{{{TRANSACTIONS_NS}}}"


def _moment(day: date) -> str:
    return datetime.combine(day, time()).isoformat()


def transactions_element(patient: str, entries: list[Entry], period_end: date) -> etree._Element:
    answer = etree.Element(T + "HamtaHkdbTransaktionerWebbResponse", nsmap={None: TRANSACTIONS_NS})
    etree.SubElement(answer, T + "periodSlut").text = _moment(period_end)
    for number, entry in enumerate(entries):
        item = etree.SubElement(answer, T + "transaktionsLista")
        transaction_id = f"{entry.purchase.date:%Y%m%d}-{number + 1:04d}"
        for name, value in (
            ("anvandare", "apotek"),
            ("apoteksNamn", "Apoteket Hjärtat Tenhult"),
            ("expeditionsId", f"EXP-{transaction_id}"),
            ("flags", "0"),
            ("inBrutto", str(int(entry.before.gross * 100))),  # öre
            ("inEgenavgift", str(int(entry.before.net * 100))),
            ("persNr", patient),
            ("sign", "+"),
            ("transId", transaction_id),
        ):
            etree.SubElement(item, T + name).text = value
        period = etree.SubElement(item, T + "transPeriod")
        balans = etree.SubElement(period, T + "balans")
        etree.SubElement(balans, T + "brutto").text = f"{entry.after.gross:.2f}"
        etree.SubElement(balans, T + "netto").text = f"{entry.after.net:.2f}"
        etree.SubElement(period, T + "start").text = _moment(entry.after.start)
        etree.SubElement(item, T + "transTid").text = _moment(entry.purchase.date)
        etree.SubElement(item, T + "transaktionBehandlades").text = _moment(entry.purchase.date)
    return answer


def hamta_hkdb_transaktioner_webb(call: Call) -> bytes:
    """The latest five purchases, newest first; `periodSlut` is the end of the latest one's
    period (today when there are none)."""
    backend: HkdbBackend = call.backend
    patient = call.request.payload.findtext(f"{T}persNr") or ""
    entries = backend.transactions(patient, call.today)
    end = entries[0].after.end if entries else call.today
    return etree.tostring(call.validated(transactions_element(patient, entries, end)))


def hamta_hkdb_konto(call: Call) -> bytes:
    backend: HkdbBackend = call.backend
    account = backend.account(call.request.payload.findtext(f"{R}persNr") or "", call.today)
    return etree.tostring(call.validated(account_element(account)))


class HkdbMock(SoapMock):
    upstream = UPSTREAM
    dataset_model = HkdbDataset
    fault_types = (*SOAP_FAULTS, ApotekFault)
    logical_address_header = WSA_TO
    operations = (
        SoapOperation(
            name=OPERATION,
            element=f"{R}HamtaHkdbKonto",
            soap_action=SOAP_ACTION,
            wsdl=WSDL,
            schema=RESPONDER_XSD,
            handler=hamta_hkdb_konto,
            patient=_patient,
        ),
        SoapOperation(
            name=TRANSACTIONS,
            element=f"{{{TRANSACTIONS_NS}}}{TRANSACTIONS}",
            soap_action=TRANSACTIONS_SOAP_ACTION,
            wsdl=TRANSACTIONS_WSDL,
            schema=TRANSACTIONS_XSD,
            handler=hamta_hkdb_transaktioner_webb,
            patient=_patient,
        ),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def summary(self, dataset: HkdbDataset) -> dict[str, int]:
        return {"accounts": len(dataset.accounts), "purchases": len(dataset.purchases)}

    def patients(self, dataset: HkdbDataset) -> list[Patient]:
        return [Patient(a.patient, a.label) for a in dataset.accounts]

    def seed(self, tx: Entities, document: Any) -> None:
        seed(tx, document)

    def backend(self) -> HkdbBackend:
        self.dataset()  # seeds on first use
        return HkdbBackend(self.store, self.name)

    def protocol_fault(self, chosen: rules.Rule) -> Any:
        if isinstance(chosen, ApotekFault):
            detail = etree.Element(R + chosen.exception, nsmap={None: RESPONDER_NS})
            etree.SubElement(detail, R + "code").text = chosen.code
            etree.SubElement(detail, R + "description").text = chosen.description
            side = "Client" if chosen.exception == "ApplicationException" else "Server"
            return self._fault(side, f"{chosen.code} {chosen.description}", detail)
        return super().protocol_fault(chosen)

    def admin_routes(self) -> tuple[AdminRoute, ...]:
        def register(purchase: Purchase) -> tuple[int, Any]:
            return 201, self.backend().register(purchase, self.config.today_date())

        def listed(_: None) -> tuple[int, Any]:
            return 200, {
                "purchases": [p.model_dump(mode="json") for p in self.backend().purchases()]
            }

        return (
            AdminRoute(
                "purchases",
                "POST",
                "Register a purchase on a patient's account",
                register,
                Purchase,
                Purchase,
            ),
            AdminRoute(
                "purchases", "GET", "Every purchase registered, oldest first", listed, Purchases
            ),
        )
