"""Cambio Cosmic's web booking: crm:scheduling 1.1 (RIVTABP21), one interaction per WSDL.

LogicalAddress is the care unit's HSA-id (not the source system, as for GetMedicationHistory),
and every request carries the Actor header: the citizen (`subject_of_care`) or a guardian
acting for them (`subject_of_care_agent`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contracts.riv import interaction_path
from contracts.upstream import Interaction

SCHEDULING_DIR = Path(__file__).resolve().parent
CORE_NS = "urn:riv:crm:scheduling:1"
EXT_NS = "urn:riv:crm:scheduling:1.1"  # firstName, lastName, isInvitation
TIME_TYPES_EXT_NS = "urn:riv:crm:scheduling:GetAllTimeTypesResponder:1.1"
HEADERS_XSD = SCHEDULING_DIR / "interoperability_headers_1.xsd"
ACTOR_TYPES = ("subject_of_care", "subject_of_care_agent")


@dataclass(frozen=True)
class SchedulingInteraction:
    """One crm:scheduling interaction: its WSDL, responder XSD, namespaces and SOAPAction."""

    operation: str

    @property
    def responder_ns(self) -> str:
        return f"urn:riv:crm:scheduling:{self.operation}Responder:1"

    @property
    def interaction_ns(self) -> str:
        return f"urn:riv:crm:scheduling:{self.operation}:1:rivtabp21"

    @property
    def binding(self) -> str:
        return f"{{{self.interaction_ns}}}{self.operation}ResponderBinding"

    @property
    def soap_action(self) -> str:
        return f"{self.responder_ns}:{self.operation}"

    @property
    def element(self) -> str:
        return f"{{{self.responder_ns}}}{self.operation}"

    @property
    def wsdl(self) -> Path:
        return SCHEDULING_DIR / f"{self.operation}Interaction_1.1_RIVTABP21.wsdl"

    @property
    def schema(self) -> Path:
        return SCHEDULING_DIR / f"{self.operation}Responder_1.1.xsd"

    @property
    def namespaces(self) -> frozenset[str]:
        """Every namespace the answer may use; anything else is an extension (drift)."""
        return frozenset({self.responder_ns, CORE_NS, EXT_NS})


GET_SCHEDULE = SchedulingInteraction("GetSubjectOfCareSchedule")
GET_DATES = SchedulingInteraction("GetAvailableDates")
GET_TIMESLOTS = SchedulingInteraction("GetAvailableTimeslots")
MAKE_BOOKING = SchedulingInteraction("MakeBooking")
UPDATE_BOOKING = SchedulingInteraction("UpdateBooking")
CANCEL_BOOKING = SchedulingInteraction("CancelBooking")
GET_BOOKING = SchedulingInteraction("GetBookingDetails")
GET_TIME_TYPES = SchedulingInteraction("GetAllTimeTypes")

SCHEDULING = (
    GET_SCHEDULE,
    GET_DATES,
    GET_TIMESLOTS,
    MAKE_BOOKING,
    UPDATE_BOOKING,
    CANCEL_BOOKING,
    GET_BOOKING,
    GET_TIME_TYPES,
)
BY_OPERATION = {interaction.operation: interaction for interaction in SCHEDULING}
# how `etjanst call` makes each call (GetAvailableDates and GetAllTimeTypes: the gateway's
# client has no method for them)
CALLS = {
    GET_SCHEDULE.operation: "schedule",
    GET_TIMESLOTS.operation: "available",
    GET_BOOKING.operation: "booking",
    MAKE_BOOKING.operation: "book",
    UPDATE_BOOKING.operation: "move",
    CANCEL_BOOKING.operation: "cancel",
}
INTERACTIONS = tuple(
    Interaction(
        i.operation,
        interaction_path(i.operation, 1),
        f"gateway.upstreams.cosmic_calls:{CALLS[i.operation]}" if i.operation in CALLS else None,
    )
    for i in SCHEDULING
)
