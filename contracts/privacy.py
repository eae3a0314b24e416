"""Identity numbers never leave the process unmasked: the one place that knows how to mask a
personnummer or samordningsnummer in a log line, a journal entry, a fault or a report.

Both the gateway and the mocks import this module (they never import each other)."""

from __future__ import annotations

import re

# Anything that looks like a 12-digit identity number (optionally with separator) inside text.
_IDENTITY_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{6})[-+]?\d{4}(?!\d)")


def mask(number: str) -> str:
    """`191212121212` -> `19121212****`: enough to tell records apart, not enough to identify."""
    return number[:8] + "****" if len(number) >= 12 else "****"


def mask_text(text: str) -> str:
    """Mask every identity number found in free text (log lines, upstream fault strings)."""
    return _IDENTITY_IN_TEXT.sub(lambda m: m.group(1) + "****", text)
