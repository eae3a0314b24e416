"""The default dataset: the dated ceilings with their sources, and synthetic patients (valid
identity numbers, never real people) whose visits exercise the card rules, dated relative to
'today'. GET /mocks/frikort/_admin/dataset shows the result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mocks.people import people

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

    everyone = people(today)

    def person(label: str) -> str:
        return everyone[label].number

    paying, free_card, rolled_over = person("paying"), person("free-card"), person("rolled-over")
    guardian, siblings = person("guardian"), [person("sibling-9"), person("sibling-15")]
    patients = [
        (paying, "paying"),
        (free_card, "free-card"),
        (rolled_over, "rolled-over"),
        (person("no-records"), "no-visits"),
        *((person(label), label) for label in ("turns-20-today", "turns-20-tomorrow")),
        *((person(label), label) for label in ("turns-85-today", "turns-85-tomorrow")),
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
