"""What a care unit offers on the web for its appointments (`units.<hsa-id>.web_booking`), and
the central case types that apply where it offers less."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Capability(StrEnum):
    VIEW = "view"
    CANCEL = "cancel"
    REBOOK = "rebook"
    BOOK = "book"


class CaseType(StrEnum):
    """The central case types a citizen uses where web booking is missing."""

    BOOK_APPOINTMENT = "book-appointment"
    CANCEL_OR_REBOOK_APPOINTMENT = "cancel-or-rebook-appointment"


# Seeing a booking is part of "cancel or rebook" at a unit that handles it as a case.
ALTERNATIVE = {
    Capability.VIEW: CaseType.CANCEL_OR_REBOOK_APPOINTMENT,
    Capability.CANCEL: CaseType.CANCEL_OR_REBOOK_APPOINTMENT,
    Capability.REBOOK: CaseType.CANCEL_OR_REBOOK_APPOINTMENT,
    Capability.BOOK: CaseType.BOOK_APPOINTMENT,
}


@dataclass(frozen=True)
class WebBooking:
    view: bool
    cancel: bool
    rebook: bool
    book: bool
    late_cancellation_hours: int

    def offers(self, capability: Capability) -> bool:
        return bool(getattr(self, capability.value))


def offers(web_booking: WebBooking | None, capability: Capability) -> bool:
    return web_booking is not None and web_booking.offers(capability)


def alternatives(web_booking: WebBooking | None) -> list[CaseType]:
    """The case types that apply where the unit's web booking is missing, in a stable order."""
    missing = {ALTERNATIVE[c] for c in Capability if not offers(web_booking, c)}
    return sorted(missing)
