"""Swedish identity numbers: personnummer and samordningsnummer (coordination numbers).

The check digit is python-stdnum's Luhn; stdnum's personnummer module rejects samordningsnummer
(birth day + 60), so the birth date is derived here. Also the one place that knows how to mask
an identity number for logs and messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from stdnum import luhn
from stdnum.exceptions import ValidationError

PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_OID = "1.2.752.129.2.1.3.3"

_TWELVE_DIGITS = re.compile(r"\d{12}")
# Anything that looks like a 12-digit identity number (optionally with separator) inside text.
_IDENTITY_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{6})[-+]?\d{4}(?!\d)")


class InvalidIdentityNumber(ValueError):
    """The text is not a valid 12-digit personnummer or samordningsnummer."""


class IdentityKind(Enum):
    PERSONNUMMER = PERSONNUMMER_OID
    SAMORDNINGSNUMMER = SAMORDNINGSNUMMER_OID


@dataclass(frozen=True)
class Identity:
    number: str
    kind: IdentityKind
    birth_date: date

    @property
    def masked(self) -> str:
        return mask(self.number)

    def __repr__(self) -> str:  # never leak the number through a repr in a log or traceback
        return f"Identity({self.masked}, {self.kind.name})"


def parse_identity(number: str) -> Identity:
    """Validate a 12-digit identity number (century included, no separator) and derive its birth
    date. Raises InvalidIdentityNumber with a message that does not repeat the number."""
    if not isinstance(number, str) or not _TWELVE_DIGITS.fullmatch(number):
        raise InvalidIdentityNumber("an identity number is 12 digits: YYYYMMDDNNNC")
    try:
        luhn.validate(number[2:])
    except ValidationError as exc:
        raise InvalidIdentityNumber("the identity number's check digit is wrong") from exc
    year, month, day = int(number[:4]), int(number[4:6]), int(number[6:8])
    kind = IdentityKind.PERSONNUMMER
    if day > 60:
        kind, day = IdentityKind.SAMORDNINGSNUMMER, day - 60
    try:
        birth = date(year, month, day)
    except ValueError as exc:
        raise InvalidIdentityNumber("the identity number does not hold a valid date") from exc
    return Identity(number=number, kind=kind, birth_date=birth)


def mask(number: str) -> str:
    """`191212121212` -> `19121212****`: enough to tell records apart, not enough to identify."""
    return number[:8] + "****" if len(number) >= 12 else "****"


def mask_text(text: str) -> str:
    """Mask every identity number found in free text (log lines, upstream fault strings)."""
    return _IDENTITY_IN_TEXT.sub(lambda m: m.group(1) + "****", text)


def with_check_digit(first_eleven: str) -> str:
    """Complete an 11-digit prefix (YYYYMMDDNNN) with its Luhn check digit: builds test data."""
    return first_eleven + luhn.calc_check_digit(first_eleven[2:])
