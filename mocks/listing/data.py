"""The default dataset: facilities of Region Jönköpings län (and one of Region Kronoberg) and
labelled synthetic citizens (valid identity numbers, never real people) that exercise every rule
and every result code of CreateListing, dated relative to 'today'.

GET /mocks/listing/_admin/dataset shows the result.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mocks.people import identity, people, years_before

TENHULT = "SE2321000057-5VTN"
EKSJO = "SE2321000057-5RB2"
HUSKVARNA = "SE2321000057-5HQV"  # full, keeps a queue
GRANNA = "SE2321000057-5GRN"  # full, no queue
CHILDREN = "SE2321000057-5BUV"  # lists children and young people only (0-17)
VAXJO = "SE2321000065-7SKV"  # Region Kronoberg (county 07)
KRONOBERG = "07"


def _facilities(today: date) -> list[dict[str, Any]]:
    queued_first = identity(date(1961, 2, 14), 279)  # someone ahead in the queue, unlabelled
    return [
        {
            "id": TENHULT,
            "name": "Tenhults vårdcentral",
            "personnel": [
                {"id": "SE2321000057-P1001", "name": "Anna Lindqvist", "title": "Läkare"},
                {"id": "SE2321000057-P1002", "name": "Johan Berg", "title": "Läkare"},
                {"id": "SE2321000057-P1003", "name": "Maria Ek", "title": "Distriktssköterska"},
            ],
            "capacity": 9000,
            "listed": 6512,
        },
        {"id": EKSJO, "name": "Vårdcentralen Bra Liv Eksjö", "listed": 8120},
        {
            "id": HUSKVARNA,
            "name": "Vårdcentralen Bra Liv Huskvarna",
            "hasQueue": True,
            "personnel": [
                {"id": "SE2321000057-P2001", "name": "Karin Holm", "title": "Läkare"},
            ],
            "capacity": 7000,
            "listed": 7000,
            "queue": [
                {"person": queued_first, "since": (today - timedelta(days=60)).isoformat()},
                {"person": _in_queue(today), "since": (today - timedelta(days=20)).isoformat()},
            ],
            "waitDaysPerPlace": 45,
        },
        {"id": GRANNA, "name": "Vårdcentralen Gränna", "capacity": 4000, "listed": 4000},
        {"id": CHILDREN, "name": "Barn- och ungdomsvårdcentralen Jönköping", "maxAge": 17},
        {"id": VAXJO, "name": "Vårdcentralen Skärvet, Växjö", "county": KRONOBERG, "listed": 5300},
    ]


def _in_queue(today: date) -> str:
    return people(today)["in-queue"].number


def _listing(facility: str, since: date, personnel: str | None = None) -> dict[str, Any]:
    return {"facility": facility, "personnel": personnel, "validFrom": since.isoformat()}


def _days(today: date, *ago: int) -> list[str]:
    return [(today - timedelta(days=n)).isoformat() for n in ago]


def default_dataset(today: date) -> dict[str, Any]:
    two_years_ago = years_before(today, 2)
    everyone = people(today)
    citizens = [
        {
            "id": everyone["listed"].number,
            "label": "listed",
            "listing": _listing(TENHULT, two_years_ago, "SE2321000057-P1001"),
        },
        {"id": everyone["not-listed"].number, "label": "not-listed"},
        {
            "id": _in_queue(today),
            "label": "in-queue",
            "listing": _listing(EKSJO, two_years_ago),
            "changes": _days(today, 20),
        },
        {
            "id": everyone["limit-used"].number,
            "label": "limit-used",
            "listing": _listing(TENHULT, today - timedelta(days=20)),
            "changes": _days(today, 300, 100, 20),
        },
        {
            "id": everyone["limit-edge"].number,
            "label": "limit-edge",
            "listing": _listing(EKSJO, today - timedelta(days=30)),
            # a year ago today no longer counts: one change left of three
            "changes": [years_before(today, 1).isoformat(), *_days(today, 200, 30)],
        },
        {
            "id": everyone["other-county"].number,
            "label": "other-county",
            "county": KRONOBERG,
            "listing": _listing(VAXJO, two_years_ago),
        },
        {
            "id": everyone["child-8"].number,
            "label": "child-8",
            "listing": _listing(TENHULT, years_before(today, 8)),
        },
        {
            "id": everyone["child-consent"].number,
            "label": "child-consent",
            "listing": _listing(EKSJO, years_before(today, 10)),
            "guardianConsentNeeded": True,
        },
        {
            "id": everyone["child-turns-13-today"].number,
            "label": "child-turns-13-today",
            "listing": _listing(TENHULT, years_before(today, 13)),
        },
    ]
    return {"facilities": _facilities(today), "citizens": citizens}
