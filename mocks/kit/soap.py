"""SOAP 1.1 envelopes and faults, and XSD validation, with a parser that is safe for untrusted
XML: no entity resolution, no network, no DTD loading."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"

SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


class SoapClientError(ValueError):
    """The request is not something a SOAP 1.1 producer can process: answered with soap:Client."""


@dataclass(frozen=True)
class SoapRequest:
    header: etree._Element | None
    payload: etree._Element

    def header_text(self, tag: str) -> str | None:
        if self.header is None:
            return None
        element = self.header.find(tag)
        return element.text.strip() if element is not None and element.text else None


def parse_request(body: bytes) -> SoapRequest:
    try:
        document = etree.fromstring(body, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapClientError(f"the request is not well-formed XML: {exc}") from exc
    if document.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapClientError("the request is not a SOAP 1.1 Envelope")
    body_element = document.find(f"{{{SOAP_ENV}}}Body")
    children = [] if body_element is None else [c for c in body_element if isinstance(c.tag, str)]
    if len(children) != 1:
        raise SoapClientError("the SOAP Body must hold exactly one operation element")
    return SoapRequest(header=document.find(f"{{{SOAP_ENV}}}Header"), payload=children[0])


ENVELOPE_START = (
    b"<?xml version='1.0' encoding='UTF-8'?>\n"
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    b"<soap:Header/><soap:Body>"
)
ENVELOPE_END = b"</soap:Body></soap:Envelope>"


def envelope(payload: bytes) -> bytes:
    """Wrap a serialised Body payload (which declares its own namespaces)."""
    return ENVELOPE_START + payload + ENVELOPE_END


def fault(code: str, message: str) -> bytes:
    """A SOAP 1.1 fault; `code` is Client or Server (the RIV-TA platform codes go in the text)."""
    body = etree.Element(f"{{{SOAP_ENV}}}Fault", nsmap={"soap": SOAP_ENV})
    etree.SubElement(body, "faultcode").text = f"soap:{code}"
    etree.SubElement(body, "faultstring").text = message
    return envelope(etree.tostring(body))


class Schema:
    """An XSD loaded from disk (relative imports resolved locally)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._schema = etree.XMLSchema(etree.parse(str(path), SAFE_PARSER))

    def errors(self, element: etree._Element) -> list[str]:
        if self._schema.validate(element):
            return []
        return [f"line {e.line}: {e.message}" for e in self._schema.error_log]
