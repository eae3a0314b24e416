"""Renew prescription ("Förnya recept"): the list of earlier ordinations to pick from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from gateway.domain.age import Caller, ListReason, ProxyNotAllowed, list_refusal
from gateway.domain.ordinations import Ordination, renewable, window_start
from gateway.domain.units import Unit
from gateway.errors import ProxyForbidden
from gateway.upstreams.cosmic import CosmicClient


@dataclass(frozen=True)
class OrdinationList:
    unit: Unit
    window_start: date
    reason: ListReason | None = None
    ordinations: list[Ordination] = field(default_factory=list)
    notice: str | None = None

    @property
    def list_available(self) -> bool:
        return self.reason is None


class RenewPrescription:
    def __init__(
        self,
        groups: dict[str, frozenset[str]],
        cosmic: CosmicClient,
        today: Callable[[], date],
    ) -> None:
        """`groups`: each linked unit's group (units whose ordinations show together)."""
        self.groups, self.cosmic, self.today = groups, cosmic, today

    def ordinations(self, caller: Caller, unit: Unit) -> OrdinationList:
        """The list for `unit` (which offers the service: the API's guard checked)."""
        today = self.today()
        start = window_start(today)
        try:
            reason = list_refusal(caller, today)
        except ProxyNotAllowed as exc:
            raise ProxyForbidden("a guardian may act as proxy only for a child under 13") from exc
        if reason is not None:
            return OrdinationList(unit=unit, window_start=start, reason=reason)
        units = self.groups.get(unit.hsa_id, frozenset({unit.hsa_id}))
        history = self.cosmic.medication_history(caller.patient, units, start, today)
        return OrdinationList(
            unit=unit,
            window_start=start,
            ordinations=renewable(history.records, units, today),
            notice=history.message if history.result_code == "INFO" else None,
        )
