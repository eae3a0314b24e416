"""Slot ids: opaque to clients, signed by the gateway, and turned back into the timeslot they
stand for. A client cannot make one up or edit one (INVALID_SLOT)."""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadData, URLSafeSerializer

from contracts.clock import STOCKHOLM
from gateway.domain.booking import Timeslot
from gateway.errors import InvalidSlot
from gateway.upstreams.cosmic_scheduling import Requested

TS = "%Y%m%d%H%M%S"


class SlotIds:
    def __init__(self, secret: str) -> None:
        self._signer = URLSafeSerializer(secret, salt="etjanst-gateway web-booking slot")

    def issue(self, slot: Timeslot) -> str:
        return self._signer.dumps(
            [
                slot.facility.id,
                f"{slot.start.astimezone(STOCKHOLM):{TS}}",
                f"{slot.end.astimezone(STOCKHOLM):{TS}}",
                slot.performer.id if slot.performer else None,
                slot.time_type.id if slot.time_type else None,
            ]
        )

    def read(self, slot_id: str, unit: str) -> Requested:
        """The timeslot behind an id this gateway issued for `unit`; InvalidSlot otherwise."""
        try:
            facility, start, end, performer, time_type = self._signer.loads(slot_id)
            requested = Requested(
                facility=str(facility),
                start=datetime.strptime(start, TS).replace(tzinfo=STOCKHOLM),
                end=datetime.strptime(end, TS).replace(tzinfo=STOCKHOLM),
                performer=performer,
                time_type=time_type,
            )
        except (BadData, ValueError, TypeError) as exc:
            raise InvalidSlot("not a slot id this gateway issued") from exc
        if requested.facility.upper() != unit.upper():
            raise InvalidSlot("the slot belongs to another unit")
        return requested
