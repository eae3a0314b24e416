"""Helpers for the GetMedicationHistory suite: the gateway's own client with what went over the
wire kept for the checks, raw requests for what the gateway would never send, and a plain view
of the records in an answer.

Requests are built by the gateway's code (CosmicClient, RivSoapClient), so the suite checks
exactly what the gateway sends and how it reads the answer, not a second client's idea of it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import requests
from lxml import etree

from contracts.cosmic import (
    CORE_NS,
    COSMIC_DIR,
    OPERATION,
    RESPONDER_NS,
    RESPONDER_XSD,
    SOAP_ACTION,
)
from contracts.riv import REGISTRY_NS, SAFE_PARSER, SOAP_ENV
from contracts.suites.target import Target
from gateway.context import correlation_id
from gateway.domain.identity import Identity
from gateway.errors import UpstreamError
from gateway.upstreams.cosmic import CosmicClient, MedicationHistory
from gateway.upstreams.http import Exchange as HttpExchange
from gateway.upstreams.http import (
    Received,
    SentRequest,
)
from gateway.upstreams.settings import UpstreamSettings
from gateway.upstreams.soap import Reply

R = f"{{{RESPONDER_NS}}}"
C = f"{{{CORE_NS}}}"
XS = "{http://www.w3.org/2001/XMLSchema}"
TIMESTAMP = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class CosmicData:
    """Patients with records at a target; repr-safe (Identity masks itself)."""

    patient: Identity  # records at `unit`
    unit: str
    filter_patient: Identity  # records at several units...
    filter_units: tuple[str, ...]  # ...of which these are asked for
    source: str


@dataclass
class Exchange:
    """One call: what was sent, what came back, and what the gateway's client made of it."""

    correlation_id: str
    # repr=False: a failure report names the exchange, it does not dump it
    request: SentRequest | requests.PreparedRequest | None = field(default=None, repr=False)
    response: Received | requests.Response | None = field(default=None, repr=False)
    reply: Reply | None = field(default=None, repr=False)  # the client's reading of the answer
    history: MedicationHistory | None = field(default=None, repr=False)  # the mapped records
    error: UpstreamError | None = None  # what the gateway would have raised instead

    @property
    def payload(self) -> etree._Element:
        """The answer's Body payload; fails the test when the client could not read one."""
        if self.reply is None:
            raise AssertionError(
                f"the gateway's client got no usable answer ({self.error}); "
                f"correlation id {self.correlation_id}"
            )
        return self.reply.payload

    def result(self, name: str) -> str | None:
        return self.payload.findtext(f"{R}result/{C}{name}")


class Probe:
    """The gateway's CosmicClient, built from the target's settings, recording each exchange."""

    def __init__(self, target: Target, settings: UpstreamSettings) -> None:
        self.target, self.settings = target, settings
        context = target.context()
        self.client = CosmicClient(settings, context)
        # The client's pool is the one place that sees the raw exchange.
        self.client.http.observers.append(self._keep_exchange)
        self._send = self.client.send_payload
        self.client.send_payload = self._recording_send  # type: ignore[method-assign]
        self._extra: dict[str, Any] = {}
        self._current: Exchange | None = None
        self.raw = requests.Session()

    def ask(
        self, patient: Identity, units: Iterable[str], start: date, end: date, **extra: Any
    ) -> Exchange:
        """The gateway's own request (CosmicClient.medication_history), with `extra` elements
        added (prescriptionStatus, sourceSystemHSAId) for what the gateway does not send yet."""
        exchange = self._current = Exchange(correlation_id=_new_correlation_id())
        self._extra = extra
        token = correlation_id.set(exchange.correlation_id)
        try:
            exchange.history = self.client.medication_history(patient, units, start, end)
        except UpstreamError as exc:
            exchange.error = exc
        finally:
            correlation_id.reset(token)
            self._extra, self._current = {}, None
        return exchange

    def post(self, body: bytes, content_type: str = "text/xml; charset=utf-8") -> Exchange:
        """A raw POST with the gateway's RIV-TA headers and SOAPAction: for invalid requests."""
        exchange = Exchange(correlation_id=_new_correlation_id())
        response = self.raw.post(
            self.client.http.endpoint(OPERATION),
            data=body,
            headers={
                "Content-Type": content_type,
                "SOAPAction": f'"{SOAP_ACTION}"',
                "x-rivta-original-serviceconsumer-hsaid": self.target.consumer_hsa_id,
                "x-skltp-correlation-id": exchange.correlation_id,
            },
            timeout=(self.settings.connect_timeout_s, self.settings.read_timeout_s),
        )
        exchange.request, exchange.response = response.request, response
        return exchange

    def _recording_send(self, operation: str, payload: etree._Element, **options: Any) -> Reply:
        """The gateway's request, with the `extra` elements appended after what it sends (in
        the order given, which must be the XSD's)."""
        for name, value in self._extra.items():
            etree.SubElement(payload, f"{R}{name}").text = value
        reply = self._send(operation, payload, **options)
        if self._current is not None:
            self._current.reply = reply
        return reply

    def _keep_exchange(self, exchange: HttpExchange) -> None:
        if self._current is not None and exchange.received is not None:
            self._current.request, self._current.response = exchange.sent, exchange.received


def _new_correlation_id() -> str:
    return f"etjanst-contract-{uuid.uuid4().hex}"


def request_envelope(logical_address: str, payload: str) -> bytes:
    """A SOAP 1.1 request as the WSDL describes it, with `payload` (prefixes r: responder,
    c: core) as the Body: for requests the gateway's client would refuse to build."""
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:itr="{REGISTRY_NS}" '
        f'xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}">'
        f"<soapenv:Header><itr:LogicalAddress>{escape(logical_address)}</itr:LogicalAddress>"
        f"</soapenv:Header><soapenv:Body>{payload}</soapenv:Body></soapenv:Envelope>"
    ).encode()


@dataclass(frozen=True)
class Fault:
    faultcode: str
    faultstring: str


def soap_fault(response: Received | requests.Response) -> Fault | None:
    """The SOAP 1.1 fault in an answer, if it is one."""
    try:
        document = etree.fromstring(response.content, SAFE_PARSER)
    except etree.XMLSyntaxError:
        return None
    found = document.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    if found is None:
        return None
    return Fault(
        (found.findtext("faultcode") or "").strip(), (found.findtext("faultstring") or "").strip()
    )


# --- the records of an answer, as plain values ------------------------------------------------


@dataclass(frozen=True)
class RawRecord:
    """What the checks look at in one medicationMedicalRecord, as text (None when absent)."""

    document_id: str | None
    prescription_id: str | None
    header_author_time: str | None
    prescriber_author_time: str | None
    end_of_treatment: str | None
    type_of_prescription: str | None
    prescription_status: str | None
    approved_for_patient: str | None
    care_unit: str | None  # header/accountableHealthcareProfessional/...CareUnitHSAId

    @property
    def key(self) -> str:
        return self.prescription_id or self.document_id or "?"

    @property
    def authored(self) -> datetime | None:
        """The start of the record's interval: the prescriber's authorTime, else the header's
        (the order the gateway reads them in)."""
        return timestamp(self.prescriber_author_time) or timestamp(self.header_author_time)

    @property
    def ended(self) -> datetime | None:
        return timestamp(self.end_of_treatment)

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the contract's datePeriod filter keeps this record: its interval (authorTime
        to endOfTreatment, open-ended without one) overlaps [start, end], the end day included."""
        authored, ended = self.authored, self.ended
        if authored is None:
            return False
        if authored.date() > end:
            return False
        return ended is None or ended.date() >= start


def raw_records(payload: etree._Element) -> list[RawRecord]:
    records = []
    for element in payload.iterfind(f"{R}medicationMedicalRecord"):
        header = f"{C}medicationMedicalRecordHeader"
        author = f"{header}/{C}accountableHealthcareProfessional"
        prescription = f"{C}medicationMedicalRecordBody/{C}medicationPrescription"
        records.append(
            RawRecord(
                document_id=_text(element, f"{header}/{C}documentId"),
                prescription_id=_text(element, f"{prescription}/{C}prescriptionId/{C}extension")
                or _text(element, f"{prescription}/{C}prescriptionId/{C}root"),
                header_author_time=_text(element, f"{author}/{C}authorTime"),
                prescriber_author_time=_text(
                    element, f"{prescription}/{C}prescriber/{C}authorTime"
                ),
                end_of_treatment=_text(element, f"{prescription}/{C}endOfTreatment"),
                type_of_prescription=_text(element, f"{prescription}/{C}typeOfPrescription"),
                prescription_status=_text(element, f"{prescription}/{C}prescriptionStatus"),
                approved_for_patient=_text(element, f"{header}/{C}approvedForPatient"),
                care_unit=_text(element, f"{author}/{C}healthcareProfessionalCareUnitHSAId"),
            )
        )
    return records


def _text(element: etree._Element, path: str) -> str | None:
    value = element.findtext(path)
    if value is None:
        return None
    return value.strip() or None


def timestamp(text: str | None) -> datetime | None:
    """YYYYMMDDhhmmss, or None when absent or not a real moment."""
    if text is None or len(text) != 14:
        return None
    try:
        return datetime.strptime(text, TIMESTAMP)
    except ValueError:
        return None


# --- our schema, and what in an answer it does not know -----------------------------------------


@cache
def responder_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(RESPONDER_XSD), SAFE_PARSER))


@cache
def _declared() -> tuple[frozenset[str], frozenset[str]]:
    """Every element name our XSDs declare, and those whose content they leave open."""
    known, opaque = set(), set()
    for path in sorted(COSMIC_DIR.glob("*.xsd")):
        schema = etree.parse(str(path), SAFE_PARSER).getroot()
        namespace = schema.get("targetNamespace")
        for declaration in schema.iter(f"{XS}element"):
            name = declaration.get("name")
            if name is None:
                continue
            tag = f"{{{namespace}}}{name}"
            known.add(tag)
            if (declaration.get("type") or "").rsplit(":", 1)[-1] == "OpenContentType":
                opaque.add(tag)
    return frozenset(known), frozenset(opaque)


def split_unknown(payload: etree._Element) -> tuple[etree._Element, list[str]]:
    """A copy of `payload` without the elements our contract does not declare, and their names.

    Unknown elements are drift (a newer minor version, a vendor extension): reported, not
    failed. What remains must satisfy our XSD; an error there is a broken promise.
    """
    known, opaque = _declared()
    pruned = copy.deepcopy(payload)
    unknown: set[str] = set()

    def prune(element: etree._Element) -> None:
        for child in list(element):
            if not isinstance(child.tag, str):
                continue
            if child.tag not in known:
                unknown.add(child.tag)
                element.remove(child)
            elif child.tag not in opaque:
                prune(child)

    prune(pruned)
    return pruned, sorted(unknown)
