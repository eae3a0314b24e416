"""What goes over the wire, made fit to show a person: identity numbers masked, secrets
withheld, bodies cut to a size, XML and JSON pretty-printed."""

from __future__ import annotations

import json
from collections.abc import Mapping

from lxml import etree

from contracts.privacy import mask_text
from contracts.riv import SAFE_PARSER

WITHHELD_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# an identity number is at most 13 characters: cutting after masking never leaves part of one
_MASK_MARGIN = 16


def shown_text(raw: bytes, limit: int | None = None, masked: bool = True) -> str:
    """`raw` as text, masked, cut after `limit` bytes (saying how much was left out)."""
    cut = raw if limit is None else raw[: limit + _MASK_MARGIN]
    text = cut.decode("utf-8", "replace")
    if masked:
        text = mask_text(text)
    if limit is not None and len(raw) > limit:
        text = text[:limit] + f"\n… cut: {len(raw) - limit} more bytes"
    return text


def shown_headers(headers: Mapping[str, str], masked: bool = True) -> dict[str, str]:
    return {
        name: "(withheld)"
        if name.lower() in WITHHELD_HEADERS
        else (mask_text(value) if masked else value)
        for name, value in headers.items()
    }


def pretty(text: str, content_type: str = "") -> str:
    """Indented XML or JSON when the text is whole and well-formed; else the text as it is."""
    stripped = text.lstrip()
    if stripped.startswith("<"):
        try:
            element = etree.fromstring(stripped.encode(), SAFE_PARSER)
        except etree.XMLSyntaxError:
            return text
        etree.indent(element)
        return etree.tostring(element, encoding="unicode")
    if stripped[:1] in ("{", "[") or "json" in content_type:
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return text
    return text
