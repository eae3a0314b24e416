"""Identity numbers never leave the process unmasked: the one place that knows how to mask a
personnummer or samordningsnummer in a log line, a journal entry, a fault or a report.

Both the gateway and the mocks import this module (they never import each other)."""

from __future__ import annotations

import re
from functools import lru_cache

# Anything that looks like an identity number inside text: 12 digits (19/20 and the birth date)
# or the 10-digit form YYMMDD, each optionally with its separator (- or +, at 100 years) before
# the last four. The 10-digit form is matched only where month and day could be a birth date
# (a samordningsnummer's day is +60), so HSA-ids' organisation numbers (month 20 and up) and
# other 10-digit values stay readable. ASCII digits only, as identity numbers are written.
# The pattern begins with a digit and checks "no digit before it" only then (the lookbehind of
# two), so the regex engine skips ahead to the next digit instead of trying every position:
# about 4x faster on an answer of tens of kilobytes, which the mocks' journal masks per request.
_IDENTITY_IN_TEXT = re.compile(
    r"([0-9](?<![0-9]{2})"  # a first digit, with no digit before it
    r"(?:(?<=1)9[0-9]{6}|(?<=2)0[0-9]{6}"  # 19YYMMDD or 20YYMMDD
    r"|[0-9](?:0[1-9]|1[0-2])(?:[0-2][0-9]|3[01]|[6-8][0-9]|9[01])))"  # or YYMMDD
    r"[-+]?[0-9]{4}(?![0-9])"
)


def mask(number: str) -> str:
    """`191212121212` -> `19121212****`: enough to tell records apart, not enough to identify."""
    return number[:8] + "****" if len(number) >= 12 else "****"


def mask_text(text: str) -> str:
    """Mask every identity number found in free text (log lines, upstream fault strings)."""
    return _IDENTITY_IN_TEXT.sub(lambda m: m.group(1) + "****", text)


# A character that is never part of an identity number as _IDENTITY_IN_TEXT finds them, and is
# no digit: a match never spans one, and the pattern's look-arounds see it as a boundary.
_SAFE_CUT = re.compile(r"[^0-9+-]")


def mask_repeated_pieces(text: str, piece: int = 4096) -> list[str]:
    """mask_text for long texts that come again and again with small changes (a mock's answer
    differs from the last one for the same patient only in its log id): the text masked in
    pieces of about `piece` characters, each cut right before a _SAFE_CUT
    character, so that together they are exactly mask_text's result, and each piece's masking
    is remembered (the same masked piece comes back as the same string)."""
    out = []
    start = 0
    while start < len(text):
        cut = _SAFE_CUT.search(text, start + piece)
        end = len(text) if cut is None else cut.start()
        out.append(_remembered_mask(text[start:end]))
        start = end
    return out


# Longer texts are masked afresh: remembering them could hold megabytes.
REMEMBERED_TEXT_CHARS = 512


def mask_short_text(text: str) -> str:
    """mask_text for short texts that come again and again (the same request headers on every
    call): each one's masking is remembered."""
    return _remembered_mask(text) if len(text) <= REMEMBERED_TEXT_CHARS else mask_text(text)


@lru_cache(maxsize=1536)  # answer pieces of about 4 KB, and short texts
def _remembered_mask(text: str) -> str:
    return mask_text(text)
