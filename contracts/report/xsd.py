"""Our XSDs as the report needs them: the schema an answer's payload element belongs to (found
by its namespace among every XSD under contracts/, so no suite has to name it), the namespaces
that schema knows, and the children each element may have, with which of them are optional."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from contracts import CONTRACTS_DIR
from contracts.riv import SAFE_PARSER

XS_NS = "http://www.w3.org/2001/XMLSchema"
XS = f"{{{XS_NS}}}"


@dataclass
class Particle:
    """An element an element may contain: its local name, whether it may be left out, and
    what it may contain in turn (filled on first use: types can be recursive)."""

    name: str
    optional: bool
    declaration: etree._Element = field(repr=False)


@dataclass(frozen=True)
class PayloadSchema:
    """One responder schema, compiled, with every file it imports."""

    schema: etree.XMLSchema
    namespaces: frozenset[str]
    root: etree._Element  # the payload element's declaration


@cache
def documents() -> dict[Path, etree._Element]:
    return {
        path: etree.parse(str(path), SAFE_PARSER).getroot()
        for path in sorted(CONTRACTS_DIR.rglob("*.xsd"))
    }


def _imports(path: Path) -> list[Path]:
    """The file and everything it imports or includes, transitively, each once."""
    seen: list[Path] = []
    pending = [path]
    while pending:
        current = pending.pop()
        if current in seen or current not in documents():
            continue
        seen.append(current)
        for reference in documents()[current].iter(f"{XS}import", f"{XS}include"):
            location = reference.get("schemaLocation")
            if location:
                pending.append((current.parent / location).resolve())
    return seen


@cache
def payload_schema(tag: str) -> PayloadSchema | None:
    """The schema declaring `tag` ("{namespace}name") as a top-level element, if we have one."""
    qname = etree.QName(tag)
    for path, document in documents().items():
        if document.get("targetNamespace") != qname.namespace:
            continue
        root = document.find(f"{XS}element[@name='{qname.localname}']")
        if root is None:
            continue
        files = _imports(path)
        namespaces = {documents()[f].get("targetNamespace") or "" for f in files}
        schema = etree.XMLSchema(etree.parse(str(path), SAFE_PARSER))
        return PayloadSchema(schema, frozenset(namespaces), root)
    return None


@cache
def children(declaration: etree._Element) -> list[Particle]:
    """The elements `declaration` (an xs:element) may contain, in document order."""
    referenced = _referenced(declaration)
    type_ = _type_of(referenced)
    return [] if type_ is None else _particles(type_, optional=False)


def _referenced(declaration: etree._Element) -> etree._Element:
    ref = declaration.get("ref")
    if ref is None:
        return declaration
    found = _global(declaration, ref, "element")
    return found if found is not None else declaration


def _type_of(declaration: etree._Element) -> etree._Element | None:
    inline = declaration.find(f"{XS}complexType")
    if inline is not None:
        return inline
    name = declaration.get("type")
    return None if name is None else _global(declaration, name, "complexType")


def _global(context: etree._Element, qualified: str, kind: str) -> etree._Element | None:
    """The top-level xs:`kind` a QName in `context` names, in whichever of our files has it."""
    prefix, _, local = qualified.rpartition(":")
    namespace = context.nsmap.get(prefix or None)
    for document in documents().values():
        if document.get("targetNamespace") == namespace:
            found = document.find(f"{XS}{kind}[@name='{local}']")
            if found is not None:
                return found
    return None


def _particles(node: etree._Element, optional: bool) -> list[Particle]:
    found: list[Particle] = []
    for child in node:
        if not isinstance(child.tag, str):
            continue
        maybe = optional or child.get("minOccurs") == "0"
        local = etree.QName(child).localname
        if local == "element":
            name = child.get("name") or child.get("ref", "").rpartition(":")[2]
            found.append(Particle(name, maybe, child))
        elif local in ("sequence", "all"):
            found += _particles(child, maybe)
        elif local == "choice":  # each alternative may be absent
            found += _particles(child, True)
        elif local in ("complexContent", "extension", "restriction"):
            base = child.get("base")
            base_type = None if base is None else _global(child, base, "complexType")
            if base_type is not None and local == "extension":
                found += _particles(base_type, optional)
            found += _particles(child, optional)
    return found
