"""What a recording keeps of personal data: consistent synthetic stand-ins, nothing real."""

from __future__ import annotations

import json

import pytest

from etjanst.pseudonyms import Pseudonyms
from gateway.domain.identity import IdentityKind, parse_identity, with_check_digit

NUMBERS = ["196804152384", "191212121212", with_check_digit("19900372273")]


@pytest.mark.parametrize("number", NUMBERS)
def test_an_identity_becomes_another_valid_one_with_the_same_birth_date(number: str) -> None:
    pseudonyms = Pseudonyms()
    synthetic = pseudonyms.identity(number)
    real, fake = parse_identity(number), parse_identity(synthetic)
    assert synthetic != number
    assert (fake.birth_date, fake.kind) == (real.birth_date, real.kind)
    assert int(synthetic[10]) % 2 == int(number[10]) % 2  # the sex digit's parity
    assert pseudonyms.identity(number) == synthetic  # the same within a recording


def test_each_recording_has_its_own_key() -> None:
    key = b"k" * 32
    assert Pseudonyms(key).identity(NUMBERS[0]) == Pseudonyms(key).identity(NUMBERS[0])
    assert parse_identity(Pseudonyms().identity(NUMBERS[2])).kind is IdentityKind.SAMORDNINGSNUMMER


def test_personal_fields_in_xml_are_replaced_and_drug_names_kept() -> None:
    body = (
        b"<p xmlns='urn:x'><Fornamn>Anna</Fornamn><Efternamn>Svensson</Efternamn>"
        b"<phone>070-1234567</phone><id>196804152384</id><displayName>Alvedon</displayName>"
        b"<note>ring 19680415-2384</note></p>"
    )
    out = Pseudonyms().xml(body).decode()
    for real in ("Anna", "Svensson", "070-1234567", "196804152384", "19680415-2384"):
        assert real not in out
    assert "Alvedon" in out and "19680415-" in out  # the separator stays


def test_personal_fields_in_json_are_replaced() -> None:
    body = json.dumps(
        {
            "name": [{"family": "Svensson", "given": ["Anna"]}],
            "telecom": [{"system": "email", "value": "anna@example.se"}],
            "email": "anna@example.se",
            "identifier": [{"value": "196804152384"}],
            "medication": "Alvedon",
        }
    ).encode()
    out = Pseudonyms().json(body).decode()
    for real in ("Svensson", "Anna", "anna@example.se", "196804152384"):
        assert real not in out
    assert "Alvedon" in out
