"""Field types for the admin API's documents, bounded to what a mock can serve: text the
contract's XML or JSON can carry (no control characters, a sane length) and moments its
timestamps can express. What passes here never makes a mock fail on a later request."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field
from stdnum import luhn
from stdnum.exceptions import ValidationError as ChecksumError

# One line of text: no C0/C1 control characters at all (names, codes, ids).
Line = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f-\x9f]*$", max_length=500)]
# Free text (messages): line breaks and tabs allowed, as in XML; other controls are not.
Text = Annotated[
    str, Field(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$", max_length=10_000)
]


def _plausible(moment: datetime) -> datetime:
    if not 1900 <= moment.year <= 2199:
        raise ValueError("a moment from 1900 to 2199")
    return moment


Moment = Annotated[datetime, AfterValidator(_plausible)]


def _check_digit(number: str) -> str:
    try:
        luhn.validate(number[2:])
    except ChecksumError as exc:
        raise ValueError("the identity number's check digit is wrong") from exc
    return number


# A personnummer or samordningsnummer: 12 digits with a right check digit.
IdentityNumber = Annotated[
    str,
    Field(pattern=r"^[0-9]{12}$", description="personnummer or samordningsnummer"),
    AfterValidator(_check_digit),
]
