"""RIV-TA requests built straight with lxml from a plan compiled once per operation out of zeep's
reading of our WSDL: the same envelope, element order, namespaces and prefixes as zeep's, at a
fraction of the cost (zeep builds and validates an object tree per call, which costs about as
much as a whole trivial request).

A plan covers what RIV-TA requests are made of: sequences of elements, nested or repeated, with
simple content, and the optional `xs:any` extension points, which the gateway leaves empty. An
operation whose request needs more (attributes, choices, a required `any`, derived types) has no
plan (`RivRequest.compile` answers None) and is left to zeep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from zeep.xsd import All, ComplexType, Element, Sequence
from zeep.xsd import Any as AnyElement

from contracts.riv import SOAP_ENV

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
ENVELOPE_NAMESPACES = {"soap-env": SOAP_ENV}


class Unplanned(Exception):
    """A part of a request that a plan does not cover."""


@dataclass(frozen=True)
class Field:
    """One element of a request: its keyword, tag, occurrences, and either the fields of its
    content or how its simple value is written."""

    name: str
    tag: str
    optional: bool
    nillable: bool
    min_occurs: int
    max_occurs: int | None  # None: unbounded; above 1: the value is a list
    fields: tuple[Field, ...] | None  # None: simple content
    text: Callable[[Any], str]

    @classmethod
    def of(cls, name: str, element: Any) -> Field:
        """`name`: the keyword zeep takes the element's value by (a header's message part name,
        which need not be its element's)."""
        if not isinstance(element, Element):
            raise Unplanned(f"{element!r} is not a plain element")
        kind = element.type
        fields: tuple[Field, ...] | None = None
        if isinstance(kind, ComplexType):
            fields = _content(kind)
        elif not hasattr(kind, "xmlvalue"):
            raise Unplanned(f"{element.name}: type {kind!r}")
        bound = element.max_occurs
        return cls(
            name=name,
            tag=element.qname.text,
            optional=element.is_optional,
            nillable=element.nillable,
            min_occurs=element.min_occurs,
            max_occurs=None if bound == "unbounded" else int(bound),
            fields=fields,
            text=kind.xmlvalue if fields is None else str,
        )

    def render(self, parent: etree._Element, value: Any) -> None:
        if isinstance(value, list) and self.max_occurs != 1:
            if len(value) < self.min_occurs or (
                self.max_occurs is not None and len(value) > self.max_occurs
            ):
                raise ValueError(
                    f"{self.name}: {len(value)} values, "
                    f"{self.min_occurs} to {self.max_occurs or 'any number'} expected"
                )
            for item in value:
                self._one(parent, item)
        else:
            self._one(parent, value)

    def _one(self, parent: etree._Element, value: Any) -> None:
        if value is None:
            if self.optional:
                return
            if not self.nillable:
                raise ValueError(f"missing element {self.name}")
            etree.SubElement(parent, self.tag).set(XSI_NIL, "true")
            return
        node = etree.SubElement(parent, self.tag)
        if self.fields is None:
            node.text = self.text(value)
        else:
            _render_fields(node, self.fields, value, self.name)


def _content(kind: ComplexType) -> tuple[Field, ...]:
    if kind.attributes or kind._extension or kind._restriction:
        raise Unplanned(f"{kind!r}: attributes or a derived type")
    group = kind._element
    if group is None:
        return ()
    if not isinstance(group, Sequence | All) or group.min_occurs != 1 or group.max_occurs != 1:
        raise Unplanned(f"{kind!r}: not a plain sequence")
    # RIV-TA's extension point (xs:any, optional) takes nothing the gateway sends
    return tuple(
        Field.of(name, element)
        for name, element in kind.elements
        if not (isinstance(element, AnyElement) and element.min_occurs == 0)
    )


def _render_fields(
    parent: etree._Element, fields: tuple[Field, ...], values: Mapping[str, Any], where: str
) -> None:
    unknown = set(values) - {field.name for field in fields}
    if unknown:
        raise TypeError(f"{where} has no element {', '.join(sorted(unknown))}")
    for field in fields:
        field.render(parent, values.get(field.name))


@dataclass(frozen=True)
class RivRequest:
    """The plan of one operation's request: its SOAP header elements and its Body element."""

    operation: str
    headers: tuple[Field, ...]
    body: Field

    @classmethod
    def compile(cls, operation: Any) -> RivRequest | None:
        """From zeep's bound operation (`client.wsdl.bindings[...].get(name)`); None when the
        request needs more than a plan covers."""
        message = operation.input
        try:
            header = message.header
            headers = _content(header.type) if header is not None else ()
            body = Field.of(message.body.name, message.body)
        except Unplanned:
            return None
        return None if body.fields is None else cls(operation.name, headers, body)

    def envelope(self, headers: Mapping[str, Any], arguments: Mapping[str, Any]) -> bytes:
        """The serialised envelope, as zeep writes it for `_soapheaders=headers, **arguments`:
        like zeep, only the headers given a value."""
        # Header and Body are built apart and then put in, as zeep does: lxml numbers the
        # namespace prefixes (ns0, ns1, ...) per tree, so the bytes are zeep's
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=ENVELOPE_NAMESPACES)
        if headers:
            header = etree.Element(f"{{{SOAP_ENV}}}Header", nsmap=ENVELOPE_NAMESPACES)
            given = {name: value for name, value in headers.items() if value is not None}
            planned = tuple(field for field in self.headers if field.name in given)
            _render_fields(header, planned, given, f"{self.operation}'s header")
            envelope.append(header)
        body = etree.Element(f"{{{SOAP_ENV}}}Body", nsmap=ENVELOPE_NAMESPACES)
        payload = etree.SubElement(body, self.body.tag)
        _render_fields(payload, self.body.fields or (), arguments, self.operation)
        envelope.append(body)
        return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
