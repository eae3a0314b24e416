"""How `etjanst call` calls the population register with the gateway's PopulationClient."""

from __future__ import annotations

from gateway.domain.guardianship import Resident
from gateway.upstreams.calls import CallInput
from gateway.upstreams.population import PopulationClient


def residents(client: PopulationClient, call: CallInput) -> dict[str, Resident]:
    return client.residents([call.patient])
