"""The high-cost ladders as dated data (`ladders.toml`): which steps a period follows, and what
the patient pays along them. The HKDB mock computes accounts with them and the gateway shows
them; both read this one file, so neither holds a copy of the figures."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from contracts.ehm import EHM_DIR

LADDERS = EHM_DIR / "ladders.toml"
ORE = Decimal("0.01")


@dataclass(frozen=True)
class Step:
    from_gross: Decimal
    to_gross: Decimal | None  # None: no end (the free card)
    patient_pays_percent: int


@dataclass(frozen=True)
class Ladder:
    periods_from: date
    ceiling: Decimal
    steps: tuple[Step, ...]
    source: str

    @property
    def free_card_at(self) -> Decimal:
        """The gross cost from which the patient pays nothing."""
        return self.steps[-1].from_gross

    def net(self, gross: Decimal) -> Decimal:
        """What the patient has paid in all when the period's gross cost is `gross`: the
        ceiling from the free card on, and never more (the published limits are rounded)."""
        if gross >= self.free_card_at:
            return self.ceiling.quantize(ORE)
        paid = Decimal(0)
        for step in self.steps:
            if gross <= step.from_gross:
                break
            upper = gross if step.to_gross is None else min(gross, step.to_gross)
            paid += (upper - step.from_gross) * step.patient_pays_percent / 100
        return min(paid, self.ceiling).quantize(ORE, ROUND_HALF_UP)

    def percent_at(self, gross: Decimal) -> int:
        """The share the patient pays of the next krona after `gross`."""
        for step in self.steps:
            if step.to_gross is None or gross < step.to_gross:
                return step.patient_pays_percent
        return 0


class NoLadder(LookupError):
    """No ladder covers a period starting that early."""


@cache
def ladders() -> tuple[Ladder, ...]:
    with LADDERS.open("rb") as stream:
        document = tomllib.load(stream)
    return tuple(
        Ladder(
            periods_from=entry["periods_from"],
            ceiling=Decimal(str(entry["ceiling"])),
            steps=tuple(
                Step(
                    Decimal(str(s["from_gross"])),
                    Decimal(str(s["to_gross"])) if "to_gross" in s else None,
                    int(s["patient_pays_percent"]),
                )
                for s in entry["steps"]
            ),
            source=entry["source"],
        )
        for entry in sorted(document["ladders"], key=lambda e: e["periods_from"])
    )


def ladder_for(period_start: date) -> Ladder:
    """The ladder a period starting on `period_start` follows."""
    found = [ladder for ladder in ladders() if ladder.periods_from <= period_start]
    if not found:
        raise NoLadder(f"no high-cost ladder for periods starting {period_start}")
    return found[-1]


def period_end(start: date) -> date:
    """A period runs 12 months: to the day before the same date a year later (a period from
    29 February runs to 28 February)."""
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February: the same date a year later is 1 March
        return date(start.year + 1, 2, 28)
