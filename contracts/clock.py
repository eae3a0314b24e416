"""'Today' and 'now' as the region sees them: Europe/Stockholm, unless pinned (contract suites
and tests pin them so the dated default datasets and the rules line up)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today_in_stockholm(pinned: date | None = None) -> date:
    return pinned or datetime.now(STOCKHOLM).date()


def now_in_stockholm(pinned: datetime | None = None, today: date | None = None) -> datetime:
    """Now, aware, in Europe/Stockholm: `pinned` if given; on a pinned `today`, that day at the
    current time of day."""
    if pinned is not None:
        return pinned.astimezone(STOCKHOLM)
    current = datetime.now(STOCKHOLM)
    if today is None:
        return current
    return datetime.combine(today, time(current.hour, current.minute, current.second), STOCKHOLM)
