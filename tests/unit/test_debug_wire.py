"""What the journal and `etjanst call` show of the wire: masked, secrets withheld, cut to size
without leaving part of an identity number, pretty-printed when whole."""

from __future__ import annotations

from gateway.debug.wire import pretty, shown_headers, shown_text

NUMBER = "196804152384"


def test_identity_numbers_are_masked_unless_asked() -> None:
    raw = f"<id>{NUMBER}</id>".encode()
    assert shown_text(raw) == "<id>19680415****</id>"
    assert shown_text(raw, masked=False) == f"<id>{NUMBER}</id>"


def test_a_cut_never_leaves_the_last_four_digits() -> None:
    for at in range(len(NUMBER) + 1):
        raw = b"x" * (100 - at) + NUMBER.encode() + b"y" * 50
        shown = shown_text(raw, 100)
        assert "2384" not in shown and "1523" not in shown
        assert shown.endswith(f"… cut: {len(raw) - 100} more bytes")


def test_short_bodies_are_whole() -> None:
    assert shown_text(b"{}", 100) == "{}"


def test_credentials_are_withheld() -> None:
    shown = shown_headers({"Authorization": "Bearer x", "X-Patient": NUMBER, "Accept": "a/b"})
    assert shown == {"Authorization": "(withheld)", "X-Patient": "19680415****", "Accept": "a/b"}


def test_pretty_xml_json_and_the_rest() -> None:
    assert pretty("<a><b>1</b></a>") == "<a>\n  <b>1</b>\n</a>"
    assert pretty('{"a": [1]}') == '{\n  "a": [\n    1\n  ]\n}'
    assert pretty("<a><b>cut off") == "<a><b>cut off"
    assert pretty("plain text") == "plain text"


def test_pretty_xml_never_expands_entities() -> None:
    bomb = '<!DOCTYPE a [<!ENTITY e "expanded">]><a>&e;</a>'
    assert "expanded</a>" not in pretty(bomb)
