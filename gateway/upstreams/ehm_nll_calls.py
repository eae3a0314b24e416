"""How `etjanst call` calls the national medication list with the gateway's NllClient."""

from __future__ import annotations

from gateway.upstreams.calls import CallInput
from gateway.upstreams.ehm_nll import MedicationList, NllClient


def medication_list(client: NllClient, call: CallInput) -> MedicationList:
    return client.medication_list(call.patient)
