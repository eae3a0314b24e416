"""Outpatient high-cost protection (högkostnadsskydd för öppenvård): who pays no fees at all,
and what the producer's card says about a citizen's period and free card. Pure rules: the date
and the region's ages come in as arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.domain.age import age_on


@dataclass(frozen=True)
class FreeAges:
    """The region's fee exemption: no fee under `under` or from the `from_`th birthday."""

    under: int
    from_: int


def exemption(birth: date, today: date, ages: FreeAges) -> str | None:
    """`UNDER_<n>` or `FROM_<n>` when the citizen pays no fees today; None when they do."""
    age = age_on(birth, today)
    if age < ages.under:
        return f"UNDER_{ages.under}"
    if age >= ages.from_:
        return f"FROM_{ages.from_}"
    return None


@dataclass(frozen=True)
class OutpatientCard:
    """The producer's card for the current period (figures in kronor, as it answers them)."""

    number: str | None
    start: date | None
    end: date | None
    limit_reached: date | None
    paid: float
    left: float

    @property
    def ceiling(self) -> float:
        return self.paid + self.left

    @property
    def free_card(self) -> bool:
        """The ceiling is reached: the card is a free card until the period ends."""
        return self.limit_reached is not None or self.left <= 0
