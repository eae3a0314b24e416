"""Drift in SOAP answers, held against our XSDs: the payload validated against its responder
schema (libxml2's errors sorted into undeclared elements, unknown enum values and other
breaches), elements in namespaces the contract does not know (allowed at RIV-TA's extension
points, but still drift), and faults checked against SOAP 1.1's Fault."""

from __future__ import annotations

from functools import cache

from lxml import etree

from contracts.report.findings import Kind, OperationFindings
from contracts.report.xsd import XS, Particle, children, documents, payload_schema
from contracts.riv import SOAP_ENV, EnvelopeError, read_envelope

FAULT_PARTS = ("faultcode", "faultstring", "faultactor", "detail")  # SOAP 1.1, section 4.4
FAULT_CODES = ("VersionMismatch", "MustUnderstand", "Client", "Server")


def read_soap_answer(status: int, body: bytes, found: OperationFindings) -> None:
    try:
        envelope = read_envelope(body)
    except EnvelopeError as exc:
        kind = Kind.FAULT_SHAPE if status != 200 else Kind.VIOLATION
        found.add(
            kind, "Envelope", f"HTTP {status} with {exc}", body[:200].decode("utf-8", "replace")
        )
        return
    if envelope.is_fault:
        _check_fault(status, envelope.payload, found)
        return
    if status != 200:
        found.add(Kind.FAULT_SHAPE, "Envelope", f"HTTP {status} without a SOAP fault")
    _check_payload(envelope.payload, found)


def _check_fault(status: int, fault: etree._Element, found: OperationFindings) -> None:
    if status != 500:
        found.add(Kind.FAULT_SHAPE, "Fault", f"a SOAP fault with HTTP {status}, not 500")
    parts = [child for child in fault if isinstance(child.tag, str)]
    for part in parts:
        if part.tag not in FAULT_PARTS:
            found.add(
                Kind.FAULT_SHAPE,
                f"Fault/{etree.QName(part).localname}",
                f"{part.tag} is not a part of a SOAP 1.1 Fault",
                part.text,
            )
    tags = [part.tag for part in parts]
    for required in FAULT_PARTS[:2]:
        if required not in tags:
            found.add(Kind.FAULT_SHAPE, f"Fault/{required}", f"a SOAP fault without {required}")
    code = (fault.findtext("faultcode") or "").strip()
    prefix, _, local = code.rpartition(":")
    if code and (
        fault.nsmap.get(prefix or None) != SOAP_ENV or local.split(".")[0] not in FAULT_CODES
    ):
        found.add(
            Kind.FAULT_SHAPE,
            "Fault/faultcode",
            "a faultcode that is not one of SOAP 1.1's (Client, Server, ...)",
            code,
        )


def _check_payload(payload: etree._Element, found: OperationFindings) -> None:
    schema = payload_schema(payload.tag)
    root = etree.QName(payload).localname
    if schema is None:
        found.add(Kind.UNDECLARED, root, f"{payload.tag}: an answer our contract does not declare")
        return
    _see(payload, schema.root, found)
    if not schema.schema.validate(payload):
        for error in schema.schema.error_log:
            _sort_error(error, _element_at(payload, error.path), found)
    foreign = [
        el
        for el in payload.iter()
        if isinstance(el.tag, str)
        and etree.QName(el).namespace not in schema.namespaces
        and etree.QName(el.getparent()).namespace in schema.namespaces
    ]
    for element in foreign:
        found.add(
            Kind.UNDECLARED,
            _path(element),
            f"extension element {element.tag} (a namespace our contract does not know)",
            _content(element),
        )


def _sort_error(
    error: etree._LogEntry, element: etree._Element | None, found: OperationFindings
) -> None:
    path = _path(element) if element is not None else (error.path or "?")
    if error.type_name == "SCHEMAV_CVC_ENUMERATION_VALID":
        found.add(
            Kind.UNKNOWN_VALUE, path, error.message, element.text if element is not None else None
        )
    elif (
        element is not None
        and "This element is not expected" in error.message
        and element.tag not in _declared_elements()
    ):
        found.add(
            Kind.UNDECLARED,
            path,
            f"element {element.tag} is not in our contract",
            _content(element),
        )
    else:
        found.add(Kind.VIOLATION, path, error.message)


def _element_at(payload: etree._Element, path: str | None) -> etree._Element | None:
    """The element libxml2 names in an error: its path starts at the payload (validated as a
    document of its own) and uses the answer's own prefixes."""
    steps = (path or "").removeprefix("/").split("/", 1)
    if len(steps) == 1:
        return payload if steps[0] else None
    prefixes = {p: ns for el in payload.iter() for p, ns in el.nsmap.items() if p}
    try:
        found = payload.xpath(steps[1], namespaces=prefixes)
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found else None


def _path(element: etree._Element) -> str:
    """Local names from the payload down, without positions: one entry per kind of place."""
    names = []
    current: etree._Element | None = element
    while current is not None and current.tag != f"{{{SOAP_ENV}}}Body":
        names.append(etree.QName(current).localname)
        current = current.getparent()
    return "/".join(reversed(names))


def _see(payload: etree._Element, root: etree._Element, found: OperationFindings) -> None:
    """Every path in the answer, and the optional children the contract declares under each
    (those the run never sees are its missing optional parts). One walk down the tree."""
    declarations: dict[str, etree._Element] = {}
    observed: set[str] = set()

    def walk(element: etree._Element, path: str, declaration: etree._Element | None) -> None:
        observed.add(path)
        if declaration is not None:
            declarations.setdefault(path, declaration)
        particles = _by_name(declaration) if declaration is not None else {}
        for child in element:
            if isinstance(child.tag, str):
                name = etree.QName(child).localname
                particle = particles.get(name)
                walk(child, f"{path}/{name}", particle.declaration if particle else None)

    walk(payload, etree.QName(payload).localname, root)
    found.see(observed)
    for path, declaration in declarations.items():
        found.may_have(f"{path}/{p.name}" for p in children(declaration) if p.optional)


@cache
def _by_name(declaration: etree._Element) -> dict[str, Particle]:
    return {particle.name: particle for particle in children(declaration)}


def _content(element: etree._Element) -> str:
    if len(element):
        return etree.tostring(element, encoding="unicode", with_tail=False)
    return element.text or ""


@cache
def _declared_elements() -> frozenset[str]:
    """Every element name any of our XSDs declares: the rest is undeclared, not misplaced."""
    return frozenset(
        f"{{{document.get('targetNamespace')}}}{declaration.get('name')}"
        for document in documents().values()
        for declaration in document.iter(f"{XS}element")
        if declaration.get("name")
    )
