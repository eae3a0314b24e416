"""Slot ids: opaque to clients, signed by the gateway, and turned back into the timeslot they
stand for. A client cannot make one up or edit one (INVALID_SLOT).

Signing is deterministic, and the same free slots are listed to one citizen after another: ids
are remembered per timeslot (bounded), since signing a week's list costs more than the rest of
the request together."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from itsdangerous import BadData, URLSafeSerializer

from contracts.clock import STOCKHOLM
from gateway.domain.booking import Timeslot
from gateway.errors import InvalidSlot
from gateway.upstreams.cosmic_scheduling import Requested

TS = "%Y%m%d%H%M%S"
SIGNED_SLOTS = 16_384  # ids remembered; the least recently listed go first


class SlotIds:
    def __init__(self, secret: str) -> None:
        self._signer = URLSafeSerializer(secret, salt="etjanst-gateway web-booking slot")
        self._signed = lru_cache(maxsize=SIGNED_SLOTS)(self._sign)

    def issue(self, slot: Timeslot) -> str:
        return self._signed(
            slot.facility.id,
            slot.start,
            slot.end,
            slot.performer.id if slot.performer else None,
            slot.time_type.id if slot.time_type else None,
        )

    def _sign(
        self,
        facility: str,
        start: datetime,
        end: datetime,
        performer: str | None,
        time_type: str | None,
    ) -> str:
        return self._signer.dumps(
            [
                facility,
                f"{start.astimezone(STOCKHOLM):{TS}}",
                f"{end.astimezone(STOCKHOLM):{TS}}",
                performer,
                time_type,
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
