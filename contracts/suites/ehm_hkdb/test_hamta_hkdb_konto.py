"""What the gateway relies on from HamtaHkdbKonto v1 (se.apotekensservice:pris). Elements our
XSD does not know never fail a run: they are counted as drift, as in the gateway."""

from __future__ import annotations

from gateway.domain.identity import Identity
from gateway.upstreams.ehm_hkdb import HkdbClient
from gateway.upstreams.http import UpstreamMetrics


def test_an_enrolled_patient_has_a_usable_account(
    hkdb: HkdbClient, hkdb_patient: Identity, hkdb_metrics: UpstreamMetrics
) -> None:
    account = hkdb.account(hkdb_patient)
    assert account.enrolled
    assert account.current is not None and account.current.start is not None
    assert account.current.paid.net <= account.current.paid.gross
    assert account.left_until_free_card is not None
    assert account.left_until_free_card.net >= 0
    if account.discount_percent is not None:
        assert 0 <= account.discount_percent <= 100


def test_the_previous_period_ended_before_the_current_began(
    hkdb: HkdbClient, hkdb_patient: Identity
) -> None:
    account = hkdb.account(hkdb_patient)
    if account.previous is None or account.current is None:
        return
    assert account.previous.end is not None and account.current.start is not None
    assert account.previous.end < account.current.start


def test_the_latest_transactions_are_in_a_period_with_running_balances(
    hkdb: HkdbClient, hkdb_patient: Identity
) -> None:
    transactions = hkdb.transactions(hkdb_patient)
    assert transactions, "the test patient has bought something"
    assert len(transactions) <= 5
    for transaction in transactions:
        assert transaction.period_start is not None
        assert transaction.period_start <= transaction.on
        assert 0 <= transaction.net_before <= transaction.net_after
