"""Högkostnadsskydd för läkemedel: the citizen's account in the high-cost database, and, once
the free card is reached, the day it was (from the account's latest transactions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.domain.high_cost import HighCostAccount, free_card_from, has_free_card
from gateway.domain.identity import Identity
from gateway.upstreams.ehm_hkdb import HkdbClient


@dataclass(frozen=True)
class HighCostView:
    account: HighCostAccount
    free_card: bool
    free_card_from: date | None


class HighCostPharmaceuticals:
    def __init__(self, hkdb: HkdbClient) -> None:
        self.hkdb = hkdb

    def account(self, patient: Identity) -> HighCostView:
        account = self.hkdb.account(patient)
        if not has_free_card(account):
            return HighCostView(account, False, None)
        since = free_card_from(self.hkdb.transactions(patient), account)
        return HighCostView(account, True, since)
