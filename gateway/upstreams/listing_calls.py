"""How `etjanst call` calls the listing service with the gateway's ListingClient, the patient
as the citizen acting for themselves and `--unit` as the facility."""

from __future__ import annotations

from contracts.listing import PRIMARY_CARE
from gateway.domain.listing import Actor, Facility, ListingChange, Personnel
from gateway.upstreams.calls import CallInput
from gateway.upstreams.listing import ListingClient, Listings, Result


def listing_county(client: ListingClient, call: CallInput) -> str:
    return client.listing_county(Actor.CITIZEN, call.patient, call.patient)


def listings(client: ListingClient, call: CallInput) -> Listings:
    """From the region that holds the listing, found with GetListingCounty first."""
    county = listing_county(client, call)
    return client.listings(Actor.CITIZEN, call.patient, call.patient, county)


def facilities(client: ListingClient, call: CallInput) -> list[Facility]:
    return client.facilities(PRIMARY_CARE)


def personnel(client: ListingClient, call: CallInput) -> list[Personnel]:
    return client.personnel(call.patient, call.unit, PRIMARY_CARE)


def create(client: ListingClient, call: CallInput) -> Result:
    return client.create(Actor.CITIZEN, call.patient, call.patient, ListingChange(call.unit))
