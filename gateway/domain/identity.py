"""Swedish identity numbers: personnummer and samordningsnummer (coordination numbers).

The check digit is python-stdnum's Luhn; stdnum's personnummer module rejects samordningsnummer
(birth day + 60), so the birth date is derived here. Masking lives in contracts.privacy, which
the mocks share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from stdnum import luhn
from stdnum.exceptions import ValidationError

from contracts.privacy import mask
from contracts.riv import PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID

_TWELVE_DIGITS = re.compile(r"[0-9]{12}")


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


def with_check_digit(first_eleven: str) -> str:
    """Complete an 11-digit prefix (YYYYMMDDNNN) with its Luhn check digit: builds test data."""
    return first_eleven + luhn.calc_check_digit(first_eleven[2:])
