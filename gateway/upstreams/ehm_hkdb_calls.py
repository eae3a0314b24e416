"""How `etjanst call` calls the high-cost database with the gateway's HkdbClient."""

from __future__ import annotations

from gateway.domain.high_cost import HighCostAccount, Transaction
from gateway.upstreams.calls import CallInput
from gateway.upstreams.ehm_hkdb import HkdbClient


def account(client: HkdbClient, call: CallInput) -> HighCostAccount:
    return client.account(call.patient)


def transactions(client: HkdbClient, call: CallInput) -> list[Transaction]:
    return client.transactions(call.patient)
