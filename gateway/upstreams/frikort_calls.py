"""How `etjanst call` calls eFrikort's operations with the gateway's FrikortClient."""

from __future__ import annotations

from gateway.upstreams.calls import CallImpossible, CallInput
from gateway.upstreams.frikort import CardAnswer, FrikortClient


def card_for_person(client: FrikortClient, call: CallInput) -> CardAnswer:
    return client.card_for_person(call.patient)


def extended_card(client: FrikortClient, call: CallInput) -> CardAnswer:
    """The card of the patient's current period, found with GetCardForPerson first."""
    system_id = client.card_for_person(call.patient).system_id
    if system_id is None:
        raise CallImpossible("the patient has no card this period (GetCardForPerson named none)")
    return client.extended_card(system_id)
