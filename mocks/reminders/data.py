"""The default dataset: one patient with one reminder."""

from __future__ import annotations

from datetime import date
from typing import Any


def default_dataset(today: date) -> dict[str, Any]:
    return {"reminders": [{"patient": "191212121212", "text": f"Vaccination after {today}"}]}
