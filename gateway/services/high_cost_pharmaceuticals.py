"""Högkostnadsskydd för läkemedel: the citizen's account in the high-cost database."""

from __future__ import annotations

from gateway.domain.high_cost import HighCostAccount
from gateway.domain.identity import Identity
from gateway.upstreams.ehm_hkdb import HkdbClient


class HighCostPharmaceuticals:
    def __init__(self, hkdb: HkdbClient) -> None:
        self.hkdb = hkdb

    def account(self, patient: Identity) -> HighCostAccount:
        return self.hkdb.account(patient)
