"""Reading RIV-TA answers with lxml: children by tag, texts, timestamps and numbers as the
RIV-TA profiles write them. Shared by every SOAP client; contract element names stay in each
client's own module."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Union

from lxml import etree

from contracts.riv import riv_timestamp

Children = dict[str, etree._Element]


class Subtree(str):
    """A field of a `Paths` spec that keeps the element itself, for reading later (or never)."""


Spec = Mapping[str, Union[str, Subtree, "Spec"]]


class Elements:
    """Reads elements of one namespace by local name."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{{{namespace}}}"

    def children(self, element: etree._Element | None) -> Children:
        """An element's children by tag. One pass per container is much cheaper than an
        ElementPath lookup per field, and this runs for every record. Only for elements that
        do not repeat in the contract; if one did, the last would count."""
        return {} if element is None else {child.tag: child for child in element}

    def child(self, container: Children, name: str) -> etree._Element | None:
        return container.get(self.prefix + name)

    def text(self, container: Children, name: str, *deeper: str) -> str | None:
        """The text at `name`/`deeper`... (local names), stripped; None if absent or empty."""
        element = container.get(self.prefix + name)
        for step in deeper:
            if element is None:
                return None
            element = next(element.iterchildren(self.prefix + step), None)
        if element is None or element.text is None:
            return None
        return element.text.strip() or None


class Paths:
    """Reads the texts at fixed paths (local names of one namespace) below an element in a single
    pass: each container's children are iterated once and dispatched on their tag, so a record
    costs one visit per child instead of a lookup per field. Children the spec does not name are
    skipped unread, whatever they hold. A path that occurs more than once counts its last
    occurrence; a text that is absent or blank is no field at all.

    The spec maps local names to a field name (the element's stripped text), to a `Subtree`
    (the element itself) or to a nested spec."""

    def __init__(self, namespace: str, spec: Spec) -> None:
        self.table = self._compile(f"{{{namespace}}}", spec)

    @classmethod
    def _compile(cls, prefix: str, spec: Spec) -> dict[str, Any]:
        return {
            prefix + name: entry if isinstance(entry, str) else cls._compile(prefix, entry)
            for name, entry in spec.items()
        }

    def read(self, element: etree._Element) -> dict[str, Any]:
        """Field name -> text (str) or element (Subtree fields)."""
        found: dict[str, Any] = {}
        _walk(element, self.table, found)
        return found


def _walk(element: etree._Element, table: dict[str, Any], found: dict[str, Any]) -> None:
    for child in element:
        entry = table.get(child.tag)
        if entry is None:
            continue
        if entry.__class__ is str:
            text = child.text
            if text is not None and (text := text.strip()):
                found[entry] = text
            else:
                found.pop(entry, None)
        elif entry.__class__ is Subtree:
            found[entry] = child
        else:
            _walk(child, entry, found)


def number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def timestamp(text: str | None) -> datetime | None:
    """YYYYMMDDhhmmss; None when absent or not a real moment (contracts.riv.riv_timestamp)."""
    try:
        return riv_timestamp(text) if text is not None else None
    except ValueError:
        return None


def boolean(text: str | None) -> bool:
    """xs:boolean: true or 1."""
    return text in {"true", "1"}
