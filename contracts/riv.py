"""SOAP 1.1 and RIV-TA facts shared by the gateway's clients and the mocks: namespaces, HTTP
headers, OIDs, interaction paths, and reading an envelope with a parser that is safe for
untrusted XML (no entity resolution, no network, no DTD loading, no huge trees: libxml2 refuses
depths beyond 256 and single texts beyond 10 MB, and `read_envelope` counts the elements)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_HEADER = f"{{{SOAP_ENV}}}Header"
_BODY = f"{{{SOAP_ENV}}}Body"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"

REGISTRY_NS = "urn:riv:itintegration:registry:1"
LOGICAL_ADDRESS = f"{{{REGISTRY_NS}}}LogicalAddress"
INTEROPERABILITY_HEADERS_NS = "urn:riv:interoperability:headers:1"

# HTTP headers of the national platform (NTjP / SKLTP)
CONSUMER_HSA_ID_HEADER = "x-rivta-original-serviceconsumer-hsaid"
CORRELATION_ID_HEADER = "x-skltp-correlation-id"

# OIDs
PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_OID = "1.2.752.129.2.1.3.3"
HSA_ID_OID = "1.2.752.129.2.1.4.1"
NPL_ID_OID = "1.2.752.129.2.1.5.1"
ATC_OID = "1.2.752.129.2.2.3.1.1"


def _new_safe_parser() -> etree.XMLParser:
    """A new parser for untrusted XML."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


SAFE_PARSER = _new_safe_parser()
_per_thread = threading.local()


def _thread_parser() -> etree.XMLParser:
    """A safe parser, one per thread for the messages: lxml lets one thread at a time parse
    with a parser, so threads sharing one queue up (gunicorn's run 8 per worker), and the
    contention costs CPU as well (about a quarter more per 30 KB answer, measured)."""
    parser: etree.XMLParser | None = getattr(_per_thread, "parser", None)
    if parser is None:
        parser = _per_thread.parser = _new_safe_parser()
    return parser


# Far above any real answer (the 2,000-record test patient's has about 130,000); the bytes are
# bounded before parsing, this bounds the work done on the tree afterwards.
MAX_ELEMENTS = 1_000_000
# The fewest bytes an element takes (`<a/>`): a message shorter than max_elements times this
# cannot hold too many, and is not counted.
MIN_ELEMENT_BYTES = 4


class ThreadXPath:
    """A compiled XPath, one per thread: an lxml XPath evaluator lets one thread at a time use
    it, so one shared by a worker's threads would queue them up."""

    def __init__(self, path: str, namespaces: dict[str, str] | None = None) -> None:
        self.path, self.namespaces = path, namespaces
        self._local = threading.local()

    def __call__(self, element: etree._Element) -> Any:
        xpath: etree.XPath | None = getattr(self._local, "xpath", None)
        if xpath is None:
            xpath = self._local.xpath = etree.XPath(self.path, namespaces=self.namespaces)
        return xpath(element)


_count_elements = ThreadXPath("count(//*)")


def riv_timestamp(text: str) -> datetime:
    """RIV-TA's TimeStampType (YYYYMMDDhhmmss) as a naive datetime; ValueError when it is not
    one (a 30 February, an hour 24, other than 14 digits). Read as ISO 8601's basic format by
    datetime.fromisoformat, the cheapest exact reader: strptime costs about twenty times as
    much, and a large answer has thousands of these."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError("not a RIV-TA timestamp (YYYYMMDDhhmmss)")
    return datetime.fromisoformat(f"{text[:8]}T{text[8:]}")


def riv_date(text: str) -> date:
    """RIV-TA's DateType (YYYYMMDD); ValueError when it is not one."""
    if len(text) != 8 or not text.isdigit():
        raise ValueError("not a RIV-TA date (YYYYMMDD)")
    return date.fromisoformat(text)


def interaction_path(interaction: str, major: int, profile: str = "rivtabp21") -> str:
    """The RIV-TA endpoint path of an interaction, e.g. `GetMedicationHistory/2/rivtabp21`."""
    return f"{interaction}/{major}/{profile}"


class EnvelopeError(ValueError):
    """The bytes are not a usable SOAP 1.1 message; the text says why."""


class NotWellFormed(EnvelopeError):
    """Not even XML."""


@dataclass(frozen=True)
class Envelope:
    header: etree._Element | None
    payload: etree._Element  # the Body's one element: the operation, its answer or a Fault

    def header_text(self, tag: str) -> str | None:
        element = None if self.header is None else next(self.header.iterchildren(tag), None)
        return element.text.strip() if element is not None and element.text else None

    @property
    def is_fault(self) -> bool:
        return self.payload.tag == f"{{{SOAP_ENV}}}Fault"


def read_envelope(data: bytes, max_elements: int = MAX_ELEMENTS) -> Envelope:
    """Parse a SOAP 1.1 envelope whose Body holds exactly one element."""
    try:
        document = etree.fromstring(data, _thread_parser())
    except etree.XMLSyntaxError as exc:
        raise NotWellFormed(f"not well-formed XML: {exc}") from exc
    if document.getroottree().docinfo.doctype:
        # SOAP 1.1 (section 3): a message must not contain a DTD, so no entity declarations
        raise EnvelopeError("a SOAP message with a document type declaration (entities)")
    if (
        len(data) > max_elements * MIN_ELEMENT_BYTES
        and int(_count_elements(document)) > max_elements
    ):
        raise EnvelopeError(f"a message of more than {max_elements} elements")
    if document.tag != f"{{{SOAP_ENV}}}Envelope":
        raise EnvelopeError("not a SOAP 1.1 Envelope")
    # the first Header and the first Body, in one pass over the children (no path searches)
    found: dict[str, etree._Element] = {}
    for child in document.iterchildren(_HEADER, _BODY):
        found.setdefault(child.tag, child)
    body = found.get(_BODY)
    children = [] if body is None else list(body.iterchildren(tag=etree.Element))
    if len(children) != 1:
        raise EnvelopeError("the SOAP Body must hold exactly one element")
    return Envelope(header=found.get(_HEADER), payload=children[0])
