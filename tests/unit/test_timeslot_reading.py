"""Timeslots read from a producer's answer: the same fields give the same (remembered) timeslot,
and any field that differs is read anew."""

from __future__ import annotations

import logging

import pytest
from lxml import etree

from contracts.cosmic.scheduling import CORE_NS, GET_TIMESLOTS
from gateway.upstreams.cosmic_scheduling import (
    REMEMBERED_TIMESLOTS,
    _remembered_timeslot,
    _timeslots,
)

R = GET_TIMESLOTS.responder_ns


def _answer(*slots: dict[str, str]) -> etree._Element:
    payload = etree.Element(f"{{{R}}}GetAvailableTimeslotsResponse")
    for fields in slots:
        detail = etree.SubElement(payload, f"{{{R}}}timeslotDetail")
        for name, text in fields.items():
            etree.SubElement(detail, f"{{{CORE_NS}}}{name}").text = text
    return payload


SLOT = {
    "startTimeInclusive": "20261202080000",
    "endTimeExclusive": "20261202082000",
    "healthcare_facility": "se2321000057-5vtn",
    "healthcare_facility_name": "Tenhults vårdcentral",
    "performer": "SE2321000057-T1001",
    "performerName": "Anna Lindqvist",
    "timeTypeID": "SSK20",
    "timeTypeName": "Sjuksköterskebesök",
}


def test_a_slot_listed_again_is_the_same_timeslot() -> None:
    first, again = (
        _timeslots(_answer(SLOT), GET_TIMESLOTS),
        _timeslots(_answer(SLOT), GET_TIMESLOTS),
    )
    assert first == again
    assert first[0].facility.id == "SE2321000057-5VTN"
    assert first[0].start.isoformat() == "2026-12-02T08:00:00+01:00"


def test_any_field_that_differs_is_read_anew() -> None:
    _timeslots(_answer(SLOT), GET_TIMESLOTS)
    for name, text in [
        ("startTimeInclusive", "20261202090000"),
        ("endTimeExclusive", "20261202083000"),
        ("performerName", "Karin Berg"),
        ("timeTypeName", "Provtagning"),
        ("healthcare_facility_name", "Annan vårdcentral"),
    ]:
        (slot,) = _timeslots(_answer({**SLOT, name: text}), GET_TIMESLOTS)
        (plain,) = _timeslots(_answer(SLOT), GET_TIMESLOTS)
        assert slot != plain, name
    (booked,) = _timeslots(_answer({**SLOT, "bookingId": "B-1"}), GET_TIMESLOTS)
    assert booked.booking_id == "B-1"


def test_a_slot_without_a_usable_time_is_skipped_and_logged_every_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = {**SLOT, "startTimeInclusive": "20261302080000"}
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="etjanst.upstream"):
            read = _timeslots(_answer(broken, SLOT), GET_TIMESLOTS)
        assert read == _timeslots(_answer(SLOT), GET_TIMESLOTS)
        assert "1 timeslot(s) without a usable time or unit skipped" in caplog.text


def test_padded_texts_comments_and_foreign_elements_read_as_before() -> None:
    payload = _answer({**SLOT, "performerName": "  Anna Lindqvist\n"})
    detail = payload[0]
    detail.insert(0, etree.Comment("a comment"))
    etree.SubElement(detail, "{urn:example:extension}timeTypeID").text = "FOREIGN"
    (slot,) = _timeslots(payload, GET_TIMESLOTS)
    assert slot == _timeslots(_answer(SLOT), GET_TIMESLOTS)[0]
    assert slot.time_type is not None and slot.time_type.id == "SSK20"


def test_what_is_remembered_is_bounded() -> None:
    many = [{**SLOT, "performerName": f"Läkare {n}"} for n in range(REMEMBERED_TIMESLOTS + 50)]
    assert len(_timeslots(_answer(*many), GET_TIMESLOTS)) == len(many)
    assert _remembered_timeslot.cache_info().currsize <= REMEMBERED_TIMESLOTS
