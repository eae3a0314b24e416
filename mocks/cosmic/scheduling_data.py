"""The default web-booking dataset, dated relative to 'today': free slots over the coming four
weeks at every unit that offers web booking, several time types, and booked appointments for
labelled synthetic patients (one the unit marked not cancellable, one not rebookable, one within
the late-cancellation limit, one for a child a guardian acts for).

GET /mocks/cosmic/_admin/dataset shows the result under `scheduling`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from mocks.people import people

TENHULT = "SE2321000057-5VTN"
HEART_CLINIC = "SE2321000057-4K1C"
DIABETES_CLINIC = "SE2321000057-4K1D"
WEEKS = 4
# on the hour, a lunch break at 12
HOURS = (8, 9, 10, 11, 13, 14, 15)

PRIMARY_CARE = {"id": "PV", "name": "Primärvård"}
SPECIALIST_CARE = {"id": "SV", "name": "Specialiserad vård"}

FACILITIES: list[dict[str, Any]] = [
    {
        "hsaId": TENHULT,
        "name": "Tenhults vårdcentral",
        "careType": PRIMARY_CARE,
        "performers": [
            {"id": "SE2321000057-T1001", "name": "Anna Lindqvist, läkare"},
            {"id": "SE2321000057-T1002", "name": "Karin Berg, distriktssköterska"},
        ],
        "timeTypes": [
            {"id": "LAK30", "name": "Läkarbesök", "minutes": 30},
            {"id": "SSK20", "name": "Sjuksköterskebesök", "minutes": 20},
            {"id": "LAB15", "name": "Provtagning", "minutes": 15},
        ],
    },
    {
        "hsaId": HEART_CLINIC,
        "name": "Hjärtmottagningen, Länssjukhuset Ryhov",
        "careType": SPECIALIST_CARE,
        "performers": [{"id": "SE2321000057-R2001", "name": "Erik Holm, kardiolog"}],
        "timeTypes": [
            {"id": "NYB45", "name": "Nybesök", "minutes": 45},
            {"id": "ATB30", "name": "Återbesök", "minutes": 30},
        ],
    },
    {
        "hsaId": DIABETES_CLINIC,
        "name": "Diabetesmottagningen, Länssjukhuset Ryhov",
        "careType": SPECIALIST_CARE,
        "performers": [{"id": "SE2321000057-R3001", "name": "Sara Ek, diabetessjuksköterska"}],
        "timeTypes": [{"id": "ATB30", "name": "Återbesök", "minutes": 30}],
    },
]


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour)).isoformat()


def _free_slots(today: date) -> list[dict[str, Any]]:
    """Weekdays from today on: each performer every hour, cycling through the unit's types."""
    slots = []
    for facility in FACILITIES:
        types = [t["id"] for t in facility["timeTypes"]]
        for offset in range(WEEKS * 7):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for n, hour in enumerate(HOURS):
                for p, performer in enumerate(facility["performers"]):
                    slots.append(
                        {
                            "facility": facility["hsaId"],
                            "start": _at(day, hour),
                            "performer": performer["id"],
                            "timeTypeId": types[(n + p + offset) % len(types)],
                        }
                    )
    return slots


def _booked(
    booking_id: str, patient: str, facility: str, performer: str, time_type: str, start: str
) -> dict[str, Any]:
    return {
        "bookingId": booking_id,
        "patient": patient,
        "facility": facility,
        "performer": performer,
        "timeTypeId": time_type,
        "start": start,
    }


def scheduling_dataset(today: date) -> dict[str, Any]:
    everyone = people(today)
    adult, child = everyone["booked-appointments"].number, everyone["child-12"].number
    doctor, nurse = "SE2321000057-T1001", "SE2321000057-T1002"
    # Booked appointments sit at 07:00 (before the free slots begin), so they never collide.
    bookings = [
        _booked("BK-TENHULT-1", adult, TENHULT, doctor, "LAK30", _at(today + timedelta(days=7), 7)),
        {
            **_booked("BK-TENHULT-2", adult, TENHULT, nurse, "SSK20", _at(today + timedelta(9), 7)),
            "cancelAllowed": False,
        },
        {
            **_booked(
                "BK-TENHULT-3", adult, TENHULT, doctor, "LAK30", _at(today + timedelta(8), 7)
            ),
            "rebookAllowed": False,
        },
        _booked("BK-TENHULT-4", adult, TENHULT, nurse, "LAB15", _at(today + timedelta(1), 7)),
        _booked(
            "BK-RYHOV-1",
            adult,
            HEART_CLINIC,
            "SE2321000057-R2001",
            "ATB30",
            _at(today + timedelta(days=14), 7),
        ),
        _booked(
            "BK-RYHOV-2",
            adult,
            HEART_CLINIC,
            "SE2321000057-R2001",
            "NYB45",
            _at(today + timedelta(days=2), 7),
        ),
        _booked("BK-CHILD-1", child, TENHULT, nurse, "SSK20", _at(today + timedelta(days=10), 7)),
    ]
    return {
        "facilities": FACILITIES,
        "slots": _free_slots(today),
        "bookings": bookings,
        "patients": [
            {"id": adult, "label": "booked-appointments"},
            {"id": child, "label": "child-12"},
        ],
    }
