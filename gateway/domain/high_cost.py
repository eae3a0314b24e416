"""The pharmaceutical high-cost account as the citizen sees it: the upstream's figures as they
are, the period's dates, and the ladder of the period's start date (dated data in
contracts/ehm/ladders.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from contracts.ehm.ladders import Ladder, NoLadder, ladder_for, period_end


@dataclass(frozen=True)
class Amounts:
    gross: Decimal
    net: Decimal


@dataclass(frozen=True)
class AccountPeriod:
    start: date | None
    paid: Amounts

    @property
    def end(self) -> date | None:
        return period_end(self.start) if self.start else None


@dataclass(frozen=True)
class HighCostAccount:
    """HamtaHkdbKonto's answer in the domain's words."""

    enrolled: bool
    discount_percent: int | None
    current: AccountPeriod | None
    previous: AccountPeriod | None
    left_until_free_card: Amounts | None


def period_ladder(period: AccountPeriod | None) -> Ladder | None:
    """The ladder a period follows; None without a period (or one older than every ladder)."""
    if period is None or period.start is None:
        return None
    try:
        return ladder_for(period.start)
    except NoLadder:
        return None


def has_free_card(account: HighCostAccount) -> bool:
    """Nothing left to pay in the current period."""
    left = account.left_until_free_card
    return account.current is not None and left is not None and left.net <= 0


@dataclass(frozen=True)
class Transaction:
    """A purchase on the account (HamtaHkdbTransaktionerWebb): when, in which period, and what
    the patient had paid in that period before and after it."""

    on: date
    period_start: date | None
    net_before: Decimal
    net_after: Decimal


def free_card_from(transactions: list[Transaction], account: HighCostAccount) -> date | None:
    """The day the current period reached its ladder's ceiling: the transaction that crossed
    it. None when it is not among the given ones (the upstream lists only the latest)."""
    current, ladder = account.current, period_ladder(account.current)
    if current is None or ladder is None:
        return None
    reached = [
        t.on
        for t in transactions
        if t.period_start == current.start and t.net_before < ladder.ceiling <= t.net_after
    ]
    return min(reached, default=None)
