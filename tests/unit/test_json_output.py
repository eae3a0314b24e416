"""The gateway's JSON answers are the bytes Flask's own provider writes for the same values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from gateway.json_output import OrjsonProvider


@dataclass(frozen=True)
class Named:
    id: str
    name: str | None


VALUES = [
    {"slots": [{"id": "a.b-c_d", "start": "2026-12-02T09:00:00+01:00", "performer": None}]},
    {"unit": {"hsaId": "SE2321000057-5VTN", "name": "Tenhults vårdcentral"}, "notice": None},
    {"z": 1, "a": [True, False, 0, -7, 2**53], "m": '\u2028 "quoted" \\ \n\t</script>'},
    {"amount": 1234.5, "share": 0.1, "ceiling": 1450.0, "zero": 0.0},
    {"day": date(2026, 11, 25), "moment": datetime(2026, 11, 25, 12, 30, tzinfo=UTC)},
    {"named": Named("T1", "Besök"), "decimal": Decimal("1234.50"), 3: "int key"},
    [],
    "text",
    None,
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_same_bytes_as_flasks_provider(value: object) -> None:
    ours, flasks = Flask("ours"), Flask("flasks")
    ours.json = OrjsonProvider(ours)
    flasks.json.sort_keys = False
    flasks.json.ensure_ascii = False
    assert isinstance(flasks.json, DefaultJSONProvider)
    with ours.app_context():
        written = ours.json.response(value).get_data()
    with flasks.app_context():
        assert written == flasks.json.response(value).get_data()
