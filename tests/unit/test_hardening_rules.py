"""Hardening rules that need no server: token settings that cannot be confused, identity forms
masked in free text, log arguments escaped, bounded envelopes, loopback hosts."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.logs import escape_controls
from contracts.privacy import mask_text
from contracts.riv import SOAP_ENV, EnvelopeError, read_envelope
from etjanst.cli import is_loopback
from gateway.settings import DEVELOPMENT_SECRET, ConfigFileError, load_settings


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "idp.pem"
    path.write_text("-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n")
    return path


@pytest.mark.parametrize(
    "auth",
    [
        {"algorithms": ["RS256", "HS256"]},  # mixed: the key-confusion hole
        {"algorithms": ["HS256"]},  # HS with a public key
        {"algorithms": ["none"]},
        {"algorithms": []},
    ],
)
def test_token_settings_that_mix_key_kinds_are_refused_at_load(
    key_file: Path, auth: dict[str, object]
) -> None:
    with pytest.raises(ConfigFileError, match=r"auth"):
        load_settings(auth={"public_key_file": key_file, **auth})


def test_asymmetric_algorithms_need_a_public_key() -> None:
    with pytest.raises(ConfigFileError, match=r"auth\.public_key_file"):
        load_settings(auth={"algorithms": ["RS256"]})
    with pytest.raises(ConfigFileError, match=r"auth\.hs256_secret"):
        load_settings(auth={"hs256_secret": None})


def test_production_problems_name_each_missing_setting(key_file: Path) -> None:
    assert len(load_settings().production_problems()) == 3
    assert load_settings(environment="development").production_problems() == []
    ready = {"audience": "gw", "issuer": "idp"}
    rs256 = {"public_key_file": key_file, "algorithms": ["RS256"], **ready}
    assert load_settings(auth=rs256).production_problems() == []
    own_secret = load_settings(auth={"hs256_secret": "s" * 32, **ready})
    assert own_secret.production_problems() == []
    assert load_settings(auth={"hs256_secret": DEVELOPMENT_SECRET, **ready}).production_problems()


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("pnr 680415-2384.", "pnr 680415****."),
        ("pnr 6804152384", "pnr 680415****"),
        ("100 år: 120415+2384", "100 år: 120415****"),
        ("samordning 680475-2384", "samordning 680475****"),
        ("19680415-2384 and 196804152384", "19680415**** and 19680415****"),
        ("unit SE2321000057-5VTN", "unit SE2321000057-5VTN"),  # organisation numbers stay
        ("npl 19750613000024 at 20261115120000", "npl 19750613000024 at 20261115120000"),
    ],
)
def test_identity_forms_are_masked_in_text(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_control_characters_are_escaped_and_letters_kept() -> None:
    assert escape_controls("a\nb\r\tc\x1b[2J\x00\u2028å") == "a\\nb\\r\\tc\\x1b[2J\\x00\\u2028å"


def test_an_envelope_past_the_element_limit_is_refused() -> None:
    data = f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><a>{"<b/>" * 50}</a></s:Body></s:Envelope>'
    assert read_envelope(data.encode(), max_elements=60).payload.tag == "a"
    with pytest.raises(EnvelopeError, match="more than 40 elements"):
        read_envelope(data.encode(), max_elements=40)


def test_deep_nesting_is_refused_by_the_parser() -> None:
    deep = "<a>" * 300 + "</a>" * 300
    data = f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body>{deep}</s:Body></s:Envelope>'
    with pytest.raises(EnvelopeError, match="depth"):
        read_envelope(data.encode())


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("gateway.example", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_readme_production_settings_are_production_ready(tmp_path: Path) -> None:
    from tests.test_readme import code_block, section

    config = tmp_path / "prod.toml"
    config.write_text(code_block(section("Running in production"), "toml"), encoding="utf-8")
    settings = load_settings(config)
    assert settings.environment == "production" and settings.production_problems() == []
    assert settings.upstreams.cosmic.deadline_s == 15
