"""High-cost protection for outpatient care: the citizen's figures from eFrikort, and the free
card once the ceiling is reached. No fees are charged outside the region's fee ages, and then
eFrikort is not asked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from gateway.domain.identity import Identity
from gateway.domain.outpatient_fees import FreeAges, OutpatientCard, exemption
from gateway.errors import ApiError
from gateway.services.free_card_pdf import FreeCardText, free_card_pdf
from gateway.upstreams.frikort import FrikortClient


class NoFreeCard(ApiError):
    status, code, title = 404, "NO_FREE_CARD", "There is no free card"


@dataclass(frozen=True)
class OutpatientStatus:
    exempt: str | None  # UNDER_<n> / FROM_<n>: no fees at all, eFrikort not asked
    card: OutpatientCard | None  # the current period's card; None: no fees this period
    notice: str | None  # an INFO text from eFrikort


class HighCostOutpatient:
    def __init__(
        self, frikort: FrikortClient, ages: FreeAges, region: str, today: Callable[[], date]
    ) -> None:
        self.frikort, self.ages, self.region, self.today = frikort, ages, region, today

    def status(self, patient: Identity) -> OutpatientStatus:
        exempt = exemption(patient.birth_date, self.today(), self.ages)
        if exempt is not None:
            return OutpatientStatus(exempt, None, None)
        answer = self.frikort.card_for_person(patient)
        return OutpatientStatus(None, answer.card, answer.notice)

    def free_card(self, patient: Identity, name: str | None) -> bytes:
        """The printable card; NoFreeCard when the ceiling is not reached (or fees are not
        charged at all)."""
        status = self.status(patient)
        card = status.card
        if status.exempt is not None:
            raise NoFreeCard(f"no fees are charged ({status.exempt}), so there is no free card")
        if card is None or not card.free_card or card.start is None or card.end is None:
            raise NoFreeCard("the ceiling is not reached in the current period")
        return free_card_pdf(
            FreeCardText(
                region=self.region,
                holder=patient,
                name=name,
                number=card.number or "",
                valid_from=card.limit_reached or card.start,
                valid_to=card.end,
                ceiling=card.ceiling,
            )
        )
