"""Which element texts of a contract no schema rule constrains, and an answer's bytes without
some of them.

An element whose every declaration in the contract's schema files is plain xs:string accepts
any text, so its text cannot make an answer drift: a log id, a name, an identifier. Whatever
else an answer holds (its tags, attributes and every other text) decides whether it conforms.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from contracts.riv import SAFE_PARSER

XS = "http://www.w3.org/2001/XMLSchema"
STRING = f"{{{XS}}}string"


def free_text_names(schema: Path) -> frozenset[str]:
    """Local names declared only as xs:string in `schema` and the files it imports or includes
    (in any namespace: an answer is matched by local name)."""
    types: defaultdict[str, set[str | None]] = defaultdict(set)
    pending, seen = [schema.resolve()], set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        document = etree.parse(str(path), SAFE_PARSER)
        for element in document.iter(f"{{{XS}}}element"):
            if element.get("name"):
                types[element.get("name")].add(_type_name(element))
        for reference in document.iter(f"{{{XS}}}import", f"{{{XS}}}include"):
            if reference.get("schemaLocation"):
                pending.append((path.parent / reference.get("schemaLocation")).resolve())
    return frozenset(name for name, found in types.items() if found == {STRING})


def _type_name(element: etree._Element) -> str | None:
    """The declaration's type as a Clark name; None when declared inline or not at all."""
    declared = element.get("type")
    if declared is None:
        return None
    prefix, _, local = declared.rpartition(":")
    return f"{{{element.nsmap.get(prefix or None)}}}{local}"


def digest_without_texts(answer: bytes, names: frozenset[str]) -> bytes:
    """SHA-1 of `answer` without the texts of the elements named `names` (`kept_parts`), hashed
    part by part: a large answer is never copied (for 5.5 MB, two copies cost as much again as
    the hash)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for part in kept_parts(answer, names):
        digest.update(part)
    return digest.digest()


def kept_parts(answer: bytes, names: frozenset[str]) -> list[memoryview]:
    """The parts of `answer` around the texts of the elements named `names` (a start tag without
    attributes, any prefix). Found with bytes.find, which runs at memory speed: a regular
    expression over a large answer costs half as much as validating it. Text in any other form
    stays, which only costs a check that could have been spared."""
    cuts = sorted(cut for name in names for cut in _texts(answer, f"{name}>".encode()))
    whole, parts, start = memoryview(answer), [], 0
    for text_start, text_end in cuts:
        parts.append(whole[start:text_start])
        start = text_end
    parts.append(whole[start:])
    return parts


def _texts(answer: bytes, mark: bytes) -> Iterator[tuple[int, int]]:
    """Where the texts after the start tags ending in `mark` begin and end."""
    start = 0
    at = answer.find(mark)
    while at != -1:
        end = at + len(mark)
        tag = answer.rfind(b"<", start, at)
        if tag != -1 and _prefix_only(answer[tag + 1 : at]):
            text_end = answer.find(b"<", end)
            start = len(answer) if text_end == -1 else text_end
            yield end, start
        at = answer.find(mark, end)


def _prefix_only(between: bytes) -> bool:
    """What lies between < and the name: nothing, or a prefix and its colon (not a / or an
    attribute: an end tag's or another element's)."""
    prefix = between.removesuffix(b":")
    return between == b"" or (
        prefix != between and prefix.replace(b"-", b"").replace(b"_", b"").isalnum()
    )
