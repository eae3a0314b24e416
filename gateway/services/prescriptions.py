"""Prescriptions left to collect ("Läkemedelstjänster"): the national medication list, filtered
by the domain's rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from gateway.domain.identity import Identity
from gateway.domain.prescriptions import LeftToCollect, left_to_collect
from gateway.upstreams.ehm_nll import NllClient


@dataclass(frozen=True)
class PrescriptionList:
    prescriptions: list[LeftToCollect]
    notice: str | None


class Prescriptions:
    def __init__(self, nll: NllClient, today: Callable[[], date]) -> None:
        self.nll, self.today = nll, today

    def left_to_collect(self, patient: Identity) -> PrescriptionList:
        found = self.nll.medication_list(patient)
        return PrescriptionList(
            left_to_collect(found.prescriptions, found.dispenses, self.today()), found.notice
        )
