"""Choice of care ("Vårdval / listning"): see the listing, the facilities and their personnel,
and list, relist or queue, over the national listing service. The listing service decides
(yearly limit, capacity, consent, age); its refusals become problems a citizen understands."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.domain.age import Caller
from gateway.domain.listing import (
    PRIMARY_CARE,
    Facility,
    Listing,
    ListingChange,
    Personnel,
    actor_of,
    changes_left,
    the_change,
)
from gateway.errors import ApiError, UpstreamBusinessError, UpstreamInvalidResponse
from gateway.upstreams.listing import ListingClient, Result


class FacilityNotFound(ApiError):
    status, code, title = 404, "FACILITY_NOT_FOUND", "Unknown facility"


class ListingRefused(ApiError):
    """The listing service refused the change: 422, with the contract code's own code."""

    status = 422


class ListingChangeLimit(ListingRefused):
    code, title = "LISTING_CHANGE_LIMIT", "No listing changes left for now"


class FacilityFull(ListingRefused):
    code, title = "FACILITY_FULL", "The facility is not taking new patients"


class GuardianConsentNeeded(ListingRefused):
    code, title = "GUARDIAN_CONSENT_NEEDED", "The other guardian must agree"


class AgeLimit(ListingRefused):
    code, title = "AGE_LIMIT", "The facility does not list patients of this age"


class PersonnelNotAvailable(ListingRefused):
    code, title = "PERSONNEL_NOT_AVAILABLE", "That doctor or nurse cannot be chosen there"


# the contract's refusals: what the citizen is told
REFUSALS: dict[str, tuple[type[ListingRefused], str]] = {
    "ERROR_MAXIMUM_ANNUAL_UPDATES_EXCEEDED": (
        ListingChangeLimit,
        "You have changed your listing as many times as allowed in 12 months. You can change "
        "again once your oldest change is 12 months old.",
    ),
    "ERROR_MAXIMUM_CITIZEN_REACHED_ON_CAREUNIT": (
        FacilityFull,
        "The health centre is not taking new patients. Choose another one, or join its queue "
        "if it has one.",
    ),
    "ERROR_GUARDIAN_CONSENT_NEEDED": (
        GuardianConsentNeeded,
        "The child's other guardian must also agree before the child's listing can change.",
    ),
    "ERROR_AGE_LIMIT": (
        AgeLimit,
        "The health centre does not list patients of this age. Choose another one.",
    ),
}


@dataclass(frozen=True)
class ListingOverview:
    county: str  # the county code of the region that holds the listing
    listings: list[Listing]  # listings and queue places
    changes_left: int | None
    notice: str | None


@dataclass(frozen=True)
class ListingMade:
    county: str
    listing: Listing  # the new listing, or the queue place
    changes_left: int | None
    notice: str | None


class ListingService:
    def __init__(self, client: ListingClient) -> None:
        self.client = client

    def overview(self, caller: Caller) -> ListingOverview:
        """The caller's (or the child's) listings, from the region that holds them."""
        actor, by = actor_of(caller)
        county = self.client.listing_county(actor, by, caller.patient)
        found = self.client.listings(actor, by, caller.patient, county)
        return ListingOverview(county, found.items, changes_left(found.items), found.result.notice)

    def facilities(self, listing_type: str) -> list[Facility]:
        return self.client.facilities(listing_type)

    def personnel(self, caller: Caller, facility_id: str) -> tuple[Facility, list[Personnel]]:
        facility = self._facility(facility_id)
        if not facility.personnel_choice:
            return facility, []
        return facility, self.client.personnel(caller.patient, facility.hsa_id, _type(facility))

    def choose(self, caller: Caller, change: ListingChange) -> ListingMade:
        """List, relist or queue; the new listing (or queue place) as the service shows it."""
        facility = self._facility(change.facility, change.type)
        if change.personnel is not None:
            offered = self.client.personnel(caller.patient, facility.hsa_id, change.type)
            if change.personnel not in {p.hsa_id.upper() for p in offered}:
                raise PersonnelNotAvailable(
                    f"{change.personnel} is not among those who can be chosen at {facility.name}"
                )
        actor, by = actor_of(caller)
        result = self.client.create(actor, by, caller.patient, change)
        _refuse_unless_done(result)
        after = self.overview(caller)
        made = the_change(after.listings, change)
        if made is None:
            raise UpstreamInvalidResponse(
                self.client.upstream.name, "CreateListing succeeded but GetListing does not show it"
            )
        return ListingMade(after.county, made, after.changes_left, result.notice or after.notice)

    def _facility(self, facility_id: str, listing_type: str | None = None) -> Facility:
        """A facility of the region (offering `listing_type`, when given); 404 otherwise."""
        wanted = listing_type or PRIMARY_CARE
        found = [
            f
            for f in self.client.facilities(wanted, only=[facility_id])
            if f.hsa_id.upper() == facility_id
        ]
        if not found:
            raise FacilityNotFound(f"no facility {facility_id} for {wanted} listing in the region")
        return found[0]


def _type(facility: Facility) -> str:
    return facility.listing_types[0] if facility.listing_types else PRIMARY_CARE


def _refuse_unless_done(result: Result) -> None:
    if result.code in ("OK", "INFO"):
        return
    refusal = REFUSALS.get(result.code)
    if refusal is None:  # a plain ERROR: the service could not do it, for its own reasons
        raise UpstreamBusinessError("listing", f"{result.code}: {result.text or 'no text'}")
    error, message = refusal
    raise error(message)
