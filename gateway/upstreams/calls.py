"""What `etjanst call` gives the function an interaction declares as its `call` (see
contracts/upstream.py): the patient and unit asked for and the day, so that each upstream says
in its own `<name>_calls.py` how one of its operations is called with the gateway's client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.domain.age import Caller
from gateway.domain.identity import Identity


class CallImpossible(Exception):
    """The call cannot be made for this patient and unit (e.g. no booking to show): a readable
    message."""


@dataclass(frozen=True)
class CallInput:
    patient: Identity
    unit: str  # HSA-id, canonical
    today: date

    @property
    def caller(self) -> Caller:
        """The patient as a citizen acting for themselves."""
        return Caller(self.patient)
