"""Long journal texts kept in pieces, each distinct piece stored once.

A mock's answers to the same request differ only in small places (a log id), so its journal
would otherwise write tens of kilobytes of the same text on every request. An entry's long texts
(`Pieces`: already cut into pieces, e.g. by contracts.privacy.mask_repeated_pieces) are taken
out of the entry; the entry keeps where each one was and its pieces' digests, and the store keeps
each piece's text once per mock (see MockStore.record)."""

from __future__ import annotations

import hashlib
from collections.abc import Container, Iterator, Mapping
from functools import lru_cache
from typing import Any

# where in an entry a text was: its two keys, e.g. ("response", "body")
Path = tuple[str, str]
# each text taken out: where it was and its pieces' digests, in order
Refs = list[tuple[Path, list[str]]]
# as an entry keeps them: each piece its digest (a piece stored on its own) or, in a list of
# one, its text (a piece kept in the entry)
StoredRefs = list[tuple[Path, list[str | list[str]]]]


class Pieces(tuple[str, ...]):
    """A text as the pieces it is cut into (their concatenation)."""


def take_out(entry: dict[str, Any]) -> tuple[dict[str, Any], Refs, dict[str, str]]:
    """The entry with every Pieces value at its first two levels (e.g. `response.body`)
    emptied (""), where each was with its pieces' digests, and the pieces by digest."""
    refs: Refs = []
    texts: dict[str, str] = {}
    emptied = dict(entry)
    for key, item in entry.items():
        if not isinstance(item, dict):
            continue
        for inner, value in item.items():
            if isinstance(value, Pieces):
                digests = [_digest(piece) for piece in value]
                texts.update(zip(digests, value, strict=True))
                refs.append(((key, inner), digests))
                emptied[key] = {**emptied[key], inner: ""}
    return emptied, refs, texts


def kept_in_entry(refs: Refs, texts: Mapping[str, str], shared: Container[str]) -> StoredRefs:
    """The refs with each piece not `shared` kept in the entry, as its text."""
    return [(path, [d if d in shared else [texts[d]] for d in digests]) for path, digests in refs]


def digests(refs: StoredRefs) -> Iterator[str]:
    """The digests of the pieces stored on their own."""
    for _, items in refs:
        yield from (item for item in items if isinstance(item, str))


def put_back(entry: dict[str, Any], refs: StoredRefs, texts: Mapping[str, str]) -> None:
    """Put the texts taken out back where they were (in place)."""
    for (key, inner), items in refs:
        entry[key][inner] = "".join(texts[i] if isinstance(i, str) else i[0] for i in items)


@lru_cache(maxsize=2048)
def _digest(piece: str) -> str:
    """Remembered: the same pieces (the same string objects, from the masking's own memory,
    their hash already known) come with every answer."""
    return hashlib.blake2b(piece.encode(), digest_size=16).hexdigest()
