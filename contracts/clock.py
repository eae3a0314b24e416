"""'Today' and 'now' as the region sees them: Europe/Stockholm, unless pinned (contract suites
and tests pin them so the dated default datasets and the rules line up)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today_in_stockholm(pinned: date | None = None) -> date:
    return pinned or datetime.now(STOCKHOLM).date()
