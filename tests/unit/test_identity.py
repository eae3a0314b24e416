"""Identity numbers: check digit, samordningsnummer, birth dates, masking."""

from datetime import date

import pytest

from contracts.privacy import mask, mask_text
from gateway.domain.identity import (
    IdentityKind,
    InvalidIdentityNumber,
    parse_identity,
    with_check_digit,
)


def test_personnummer_gives_its_birth_date() -> None:
    identity = parse_identity("191212121212")
    assert identity.kind is IdentityKind.PERSONNUMMER
    assert identity.birth_date == date(1912, 12, 12)


def test_samordningsnummer_is_a_valid_identity_with_day_minus_60() -> None:
    number = with_check_digit("19900372273")
    identity = parse_identity(number)
    assert identity.kind is IdentityKind.SAMORDNINGSNUMMER
    assert identity.kind.value == "1.2.752.129.2.1.3.3"
    assert identity.birth_date == date(1990, 3, 12)


def test_samordningsnummer_for_the_first_of_the_month() -> None:
    identity = parse_identity(with_check_digit("19900361273"))  # day 61
    assert identity.kind is IdentityKind.SAMORDNINGSNUMMER
    assert identity.birth_date == date(1990, 3, 1)


@pytest.mark.parametrize(
    "number",
    [
        "191212121213",  # wrong check digit
        "19121212121",  # 11 digits
        "1912121212120",
        "19121212-1212",  # separator: the API wants 12 digits
        "abcdefghijkl",
        with_check_digit("19121312121"),  # month 13
        with_check_digit("19900392273"),  # samordningsnummer day 32
        with_check_digit("191212121"),  # 10 digits (no century form) whose last 8 pass Luhn
        with_check_digit("191212121212"),  # 13 digits whose last 11 pass Luhn
    ],
)
def test_invalid_numbers_are_refused_without_repeating_them(number: str) -> None:
    with pytest.raises(InvalidIdentityNumber) as caught:
        parse_identity(number)
    assert number not in str(caught.value)


def test_repr_and_mask_never_show_the_whole_number() -> None:
    identity = parse_identity("191212121212")
    assert "191212121212" not in repr(identity)
    assert mask("191212121212") == "19121212****"


def test_mask_text_finds_numbers_in_free_text() -> None:
    text = "patient 191212121212 and 19121212-1212 but not order 12345"
    assert mask_text(text) == "patient 19121212**** and 19121212**** but not order 12345"
