"""mask_repeated_pieces masks in pieces and remembers them; it must give exactly mask_text's
result, also for identity numbers right at or across the places where it cuts."""

from __future__ import annotations

import random

from contracts.privacy import mask_repeated_pieces, mask_text

PIECES = ["19121212", "121212", "-1212", "1212", "+", "-", "<", '"', ",", " ", "x", "0", "9"]


def test_same_result_as_mask_text_wherever_the_cuts_fall() -> None:
    rnd = random.Random(13)
    for _ in range(5_000):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30)))
        for piece in (1, 2, 3, 7):
            assert "".join(mask_repeated_pieces(text, piece)) == mask_text(text), (text, piece)


def test_a_number_where_a_cut_would_fall_is_masked_whole() -> None:
    text = "<id>191212121212</id><id>20101212-1212</id>"
    assert "".join(mask_repeated_pieces(text, 5)) == "<id>19121212****</id><id>20101212****</id>"


def test_a_remembered_piece_does_not_leak_into_a_changed_text() -> None:
    before = "<a>x</a>" * 100 + "<log>1</log>"
    after = "<a>x</a>" * 100 + "<log>191212121212</log>"
    assert "".join(mask_repeated_pieces(before, 16)) == before
    assert "".join(mask_repeated_pieces(after, 16)).endswith("<log>19121212****</log>")
