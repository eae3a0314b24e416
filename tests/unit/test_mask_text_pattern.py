"""mask_text's pattern is written for speed (it starts at a digit); it must mask exactly what the
readable definition of an identity number in text does."""

from __future__ import annotations

import random
import re

from contracts.privacy import mask_text

# The definition, as written for people: no digit before, 19/20YYMMDD or YYMMDD (a day of +60
# for a samordningsnummer), an optional - or +, four digits, no digit after.
READABLE = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{6}|[0-9]{2}(?:0[1-9]|1[0-2])(?:[0-2][0-9]|3[01]|[6-8][0-9]|9[01]))"
    r"[-+]?[0-9]{4}(?![0-9])"
)
PIECES = ["19121212", "20011231", "121212", "850161", "1990", "0101", "-1234", "+", "-", " ", "x"]


def readable_mask(text: str) -> str:
    return READABLE.sub(lambda m: m.group(1) + "****", text)


def test_masks_exactly_what_the_readable_definition_does() -> None:
    rnd = random.Random(13)
    for _ in range(20_000):
        text = "".join(rnd.choice(PIECES + list("0123456789")) for _ in range(rnd.randint(0, 12)))
        assert mask_text(text) == readable_mask(text), text


def test_numbers_at_either_end_of_the_text_and_next_to_digits() -> None:
    assert mask_text("191212121212") == "19121212****"
    assert mask_text("1191212121212") == "1191212121212"  # 13 digits: not an identity number
    assert mask_text("x121212-1212x") == "x121212****x"
    assert mask_text("20101212-1212") == "20101212****"
