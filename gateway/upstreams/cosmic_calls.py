"""How `etjanst call` calls Cosmic's operations with the gateway's CosmicClient. The booking
operations act on the patient's first booking at the unit and the first free timeslot of the
coming month, found with the same client first."""

from __future__ import annotations

from datetime import timedelta

from gateway.domain.booking import Timeslot
from gateway.domain.ordinations import window_start
from gateway.upstreams.calls import CallImpossible, CallInput
from gateway.upstreams.cosmic import CosmicClient, MedicationHistory
from gateway.upstreams.cosmic_scheduling import Outcome, Requested

FREE_SLOTS_AHEAD = timedelta(days=30)


def medication_history(client: CosmicClient, call: CallInput) -> MedicationHistory:
    return client.medication_history(
        call.patient, [call.unit], window_start(call.today), call.today
    )


def schedule(client: CosmicClient, call: CallInput) -> list[Timeslot]:
    return client.schedule(call.unit, call.caller)


def available(client: CosmicClient, call: CallInput) -> list[Timeslot]:
    return client.available(
        call.unit, call.caller, call.today, call.today + FREE_SLOTS_AHEAD, None, None
    )


def booking(client: CosmicClient, call: CallInput) -> Timeslot:
    return client.booking(call.unit, call.caller, _first_booking(client, call))


def book(client: CosmicClient, call: CallInput) -> Outcome:
    return client.book(call.caller, _first_free(client, call), None)


def move(client: CosmicClient, call: CallInput) -> Outcome:
    return client.move(call.caller, _first_booking(client, call), _first_free(client, call))


def cancel(client: CosmicClient, call: CallInput) -> Outcome:
    return client.cancel(call.unit, call.caller, _first_booking(client, call))


def _first_booking(client: CosmicClient, call: CallInput) -> str:
    for slot in schedule(client, call):
        if slot.booking_id:
            return slot.booking_id
    raise CallImpossible(f"the patient has no booking at {call.unit}")


def _first_free(client: CosmicClient, call: CallInput) -> Requested:
    free = available(client, call)
    if not free:
        raise CallImpossible(f"{call.unit} has no free timeslot in the coming 30 days")
    slot = free[0]
    return Requested(
        facility=slot.facility.id,
        start=slot.start,
        end=slot.end,
        performer=slot.performer.id if slot.performer else None,
        time_type=slot.time_type.id if slot.time_type else None,
    )
