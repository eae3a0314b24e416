"""The default dataset: the dated ceilings with their sources, and synthetic patients (valid
identity numbers, never real people) whose visits exercise the card rules, dated relative to
'today'. GET /mocks/frikort/_admin/dataset shows the result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mocks.people import identity, years_before

# The outpatient high-cost ceiling (högkostnadsskydd, HSL 2017:30 17 kap.) by the date it took
# effect. Later figures follow 2.5 % of the price base amount rounded down to 50 kr, the
# pattern the published figures fit; replace them when the region publishes its own.
CEILINGS: list[dict[str, Any]] = [
    {"since": "2019-01-01", "amount": 1150, "source": "1177 Västerbotten, Vårdgivarguiden"},
    {"since": "2022-01-01", "amount": 1200, "source": "1177 Västerbotten, Vårdgivarguiden"},
    {"since": "2023-01-01", "amount": 1300, "source": "1177 Västerbotten, Vårdgivarguiden"},
    {"since": "2024-01-01", "amount": 1400, "source": "1177, Region Jönköpings län"},
    {
        "since": "2025-01-01",
        "amount": 1450,
        "source": "inferred: 2.5 % of the 2025 price base amount (58,800 kr), to 50 kr below",
    },
    {
        "since": "2026-01-01",
        "amount": 1450,
        "source": "inferred: 2.5 % of the 2026 price base amount (59,200 kr), to 50 kr below",
    },
]


def default_dataset(today: date) -> dict[str, Any]:
    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    paying = identity(date(1971, 3, 8), 238)
    free_card = identity(date(1958, 9, 30), 246)
    rolled_over = identity(date(1966, 1, 14), 254)
    guardian = identity(date(1984, 5, 2), 262)
    siblings = [
        identity(years_before(today, 9) - timedelta(days=40), 270),
        identity(years_before(today, 15) - timedelta(days=10), 289),
    ]
    turns_20 = years_before(today, 20)
    turns_85 = years_before(today, 85)
    patients = [
        (paying, "paying"),
        (free_card, "free-card"),
        (rolled_over, "rolled-over"),
        (identity(date(1983, 6, 21), 316), "no-visits"),
        (identity(turns_20, 297), "turns-20-today"),
        (identity(turns_20 + timedelta(days=1), 305), "turns-20-tomorrow"),
        (identity(turns_85, 313), "turns-85-today"),
        (identity(turns_85 + timedelta(days=1), 321), "turns-85-tomorrow"),
        (guardian, "guardian"),
        (siblings[0], "sibling-9"),
        (siblings[1], "sibling-15"),
    ]
    by_label = {label: number for number, label in patients}
    visits = [
        (paying, 100, 300),
        (paying, 20, 200),
        # the fourth fee crosses the ceiling: it counts only up to it, and the card is free
        (free_card, 200, 400),
        (free_card, 150, 400),
        (free_card, 90, 400),
        (free_card, 30, 400),
        (free_card, 10, 300),  # a visit on the free card: nothing more is counted
        # a period that reached its ceiling and ended, then a new one
        (rolled_over, 500, 500),
        (rolled_over, 480, 500),
        (rolled_over, 470, 500),
        (rolled_over, 40, 200),
        (by_label["turns-20-today"], 5, 200),
        (siblings[0], 60, 200),
        (siblings[1], 30, 300),
    ]
    return {
        "ceilings": CEILINGS,
        "patients": [{"id": number, "label": label} for number, label in patients],
        "families": [{"guardian": guardian, "children": siblings}],
        "visits": [
            {"patient": patient, "date": ago(days), "fee": fee} for patient, days, fee in visits
        ],
    }
