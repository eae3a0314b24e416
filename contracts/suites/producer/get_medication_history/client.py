"""A GetMedicationHistory consumer of its own, as the suite's SoapUI requests are: it sends
exactly what a case asks for (the gateway's client would refuse some of it) and keeps the raw
answer for the checks."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import requests
from lxml import etree

from contracts.cosmic import CORE_NS, EXTENSION_NS, OPERATION, RESPONDER_NS, SOAP_ACTION
from contracts.riv import (
    CONSUMER_HSA_ID_HEADER,
    CORRELATION_ID_HEADER,
    LOGICAL_ADDRESS,
    SAFE_PARSER,
    SOAP_ENV,
    XML_CONTENT_TYPE,
)
from contracts.upstream import Upstream
from gateway.upstreams.settings import UpstreamSettings

NS = {"urn": RESPONDER_NS, "urn1": CORE_NS, "urn2": EXTENSION_NS, "soapenv": SOAP_ENV}
R = f"{{{RESPONDER_NS}}}"
C = f"{{{CORE_NS}}}"
HEADER = "urn1:medicationMedicalRecordHeader"
PRESCRIPTION = "urn1:medicationMedicalRecordBody/urn1:medicationPrescription"


@dataclass(frozen=True)
class Query:
    """One GetMedicationHistory request, element by element."""

    patient_id: str
    patient_type: str
    care_units: tuple[str, ...] = ()
    care_givers: tuple[str, ...] = ()
    period: tuple[date, date] | None = None
    source_system: str | None = None
    care_contacts: tuple[str, ...] = ()
    chain: tuple[str, str] | None = None  # root, extension
    status: str | None = None


@dataclass
class Answer:
    """The producer's answer to one request, as received."""

    query: Query = field(repr=False)
    correlation_id: str
    status: int
    content_type: str
    content: bytes = field(repr=False)

    @cached_property
    def document(self) -> etree._Element | None:
        try:
            return etree.fromstring(self.content, SAFE_PARSER)
        except etree.XMLSyntaxError:
            return None

    @cached_property
    def body(self) -> etree._Element | None:
        if self.document is None or self.document.tag != f"{{{SOAP_ENV}}}Envelope":
            return None
        return self.document.find(f"{{{SOAP_ENV}}}Body")

    @property
    def payload(self) -> etree._Element:
        """The Body's element; an AssertionError saying what came instead when there is none."""
        children = [] if self.body is None else [c for c in self.body if isinstance(c.tag, str)]
        if len(children) != 1:
            raise AssertionError(f"not a SOAP 1.1 answer with one Body element: {self}")
        return children[0]

    @property
    def fault(self) -> tuple[str, str] | None:
        """(faultcode, faultstring) when the answer is a SOAP fault."""
        found = None if self.body is None else self.body.find(f"{{{SOAP_ENV}}}Fault")
        if found is None:
            return None
        return (found.findtext("faultcode") or "").strip(), (found.findtext("faultstring") or "")

    @property
    def records(self) -> list[etree._Element]:
        return self.payload.findall(f"{R}medicationMedicalRecord")

    def result_code(self) -> str | None:
        return self.payload.findtext(f"{R}result/{C}resultCode")


def first(record: etree._Element, path: str) -> str | None:
    """The text at `path` (prefixes urn, urn1, urn2) in a record, stripped; None if absent."""
    found = record.xpath(path, namespaces=NS)
    if not found:
        return None
    text = found[0] if isinstance(found[0], str) else found[0].text
    return text.strip() if text and text.strip() else None


def exists(record: etree._Element, path: str) -> bool:
    return bool(record.xpath(path, namespaces=NS))


class Producer:
    """The producer under test: its endpoint and LogicalAddress from the target's settings, and
    the RIV-TA HTTP headers of the national platform."""

    def __init__(self, upstream: Upstream, settings: UpstreamSettings, consumer: str) -> None:
        if not settings.url:
            raise ValueError(f"upstreams.{upstream.name}.url is not set")
        self.endpoint = upstream.endpoint(settings.url, OPERATION, settings.endpoints)
        self.logical_address = settings.logical_address or upstream.logical_address or ""
        self.consumer = consumer
        self.timeout = (settings.connect_timeout_s, settings.read_timeout_s)
        self.session = requests.Session()
        self.session.trust_env = False
        if settings.proxy:
            self.session.proxies = {"http": settings.proxy, "https": settings.proxy}
        if settings.ca_file:
            self.session.verify = str(settings.ca_file)
        if settings.client_cert_file:
            key = settings.client_key_file
            cert = str(settings.client_cert_file)
            self.session.cert = (cert, str(key)) if key else cert

    def ask(self, query: Query, consumer: str | None = None) -> Answer:
        correlation = f"etjanst-producer-suite-{uuid.uuid4().hex}"
        response = self.session.post(
            self.endpoint,
            data=self.envelope(query),
            headers={
                "Content-Type": XML_CONTENT_TYPE,
                "SOAPAction": f'"{SOAP_ACTION}"',
                CONSUMER_HSA_ID_HEADER: consumer or self.consumer,
                CORRELATION_ID_HEADER: correlation,
            },
            timeout=self.timeout,
        )
        return Answer(
            query=query,
            correlation_id=correlation,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            content=response.content,
        )

    def envelope(self, query: Query) -> bytes:
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
        header = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Header")
        etree.SubElement(header, LOGICAL_ADDRESS).text = self.logical_address
        request = etree.SubElement(
            etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body"),
            f"{R}GetMedicationHistory",
            nsmap={"urn1": RESPONDER_NS, "urn2": CORE_NS},
        )
        _all(request, "careUnitHSAId", query.care_units)
        _all(request, "careGiverHSAId", query.care_givers)
        patient = etree.SubElement(request, f"{R}patientId")
        etree.SubElement(patient, f"{C}id").text = query.patient_id
        etree.SubElement(patient, f"{C}type").text = query.patient_type
        if query.period:
            period = etree.SubElement(request, f"{R}datePeriod")
            etree.SubElement(period, f"{C}start").text = f"{query.period[0]:%Y%m%d}"
            etree.SubElement(period, f"{C}end").text = f"{query.period[1]:%Y%m%d}"
        _all(request, "sourceSystemHSAId", [query.source_system] if query.source_system else [])
        _all(request, "careContactId", query.care_contacts)
        if query.chain:
            chain = etree.SubElement(request, f"{R}prescriptionChainId")
            etree.SubElement(chain, f"{C}root").text = query.chain[0]
            etree.SubElement(chain, f"{C}extension").text = query.chain[1]
        _all(request, "prescriptionStatus", [query.status] if query.status else [])
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _all(parent: etree._Element, tag: str, values: Iterable[str]) -> None:
    for value in values:
        etree.SubElement(parent, f"{R}{tag}").text = value
