"""The high-cost database mock's default dataset: synthetic accounts (valid identity numbers,
never real people) dated relative to 'today', labelled by what they exercise."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mocks.ehm.nll_data import ADULT, NO_PRESCRIPTIONS
from mocks.people import identity, years_before

FREE_CARD = "195211034573"
NOT_ENROLLED = NO_PRESCRIPTIONS


def default_dataset(today: date) -> dict[str, Any]:
    child = identity(years_before(today, 12) - timedelta(days=100), 185)

    def bought(patient: str, days_ago: int, gross: str) -> dict[str, Any]:
        return {
            "patient": patient,
            "date": (today - timedelta(days=days_ago)).isoformat(),
            "gross": gross,
        }

    return {
        "accounts": [
            {"patient": ADULT, "label": "current-and-previous-period"},
            {"patient": FREE_CARD, "label": "free-card"},
            {"patient": child, "label": "child-12", "guardian": ADULT},
            {"patient": NOT_ENROLLED, "label": "not-enrolled", "enrolled": False},
        ],
        "purchases": [
            bought(ADULT, 600, "1200.00"),
            bought(ADULT, 500, "900.50"),
            bought(ADULT, 100, "1500.00"),
            bought(ADULT, 40, "800.00"),
            bought(FREE_CARD, 200, "6000.00"),
            bought(FREE_CARD, 30, "1500.00"),
            bought(child, 60, "450.00"),
        ],
    }
