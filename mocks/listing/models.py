"""The listing mock's state and its rules: facilities (capacity, queue, personnel, age range) and
citizens (listing, changes made), as entities in the kit's store, so that every worker process
sees every change. Each CreateListing is one transaction: it checks and changes together.

The rules are those of the contract and the regions' listing rules: one listing per type at a
time; a relisting cancels a queue place; a full facility queues only on request (`addToQueue`)
and only when it keeps a queue; every listing, relisting or queue place counts towards a yearly
limit (a setting, default 3 in any 12 months, as the TKB says; some regions allow 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contracts.listing import HOME_COUNTY, PRIMARY_CARE
from mocks.kit.fields import IdentityNumber
from mocks.kit.store import Entities, EntityView, MockStore
from mocks.people import years_before

COUNTY = r"^[0-9]{2}$"


class ListingMockSettings(BaseModel):
    """`mocks.options.listing`."""

    model_config = ConfigDict(extra="forbid")
    annual_change_limit: int = Field(
        3, ge=1, le=12, description="Listings, relistings and queue places in any 12 months"
    )


class Personnel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    title: str | None = None


class QueuePlace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person: IdentityNumber
    since: date
    personnel: str | None = None


class Facility(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="HSA-id")
    name: str
    county: str = Field(HOME_COUNTY, pattern=COUNTY, description="the region it belongs to")
    listingTypes: list[str] = [PRIMARY_CARE]
    hasQueue: bool = False
    personnel: list[Personnel] = Field([], description="choosable; none: no personnel choice")
    capacity: int | None = Field(None, ge=0, description="None: no limit")
    listed: int = Field(0, ge=0, description="citizens listed there now, the dataset's included")
    queue: list[QueuePlace] = Field([], description="in queue order")
    waitDaysPerPlace: int = Field(30, ge=0)
    minAge: int | None = Field(None, ge=0)
    maxAge: int | None = Field(None, ge=0)

    @field_validator("id")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.listed >= self.capacity


class Listing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facility: str
    type: str = PRIMARY_CARE
    personnel: str | None = None
    validFrom: date
    validTo: date | None = None

    @field_validator("facility")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class Citizen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: IdentityNumber
    label: str | None = None
    county: str = Field(HOME_COUNTY, pattern=COUNTY, description="the region holding the listing")
    listing: Listing | None = None
    changes: list[date] = Field([], description="days of listings, relistings and queue places")
    guardianConsentNeeded: bool = Field(
        False, description="a child whose other guardian must consent to a change"
    )


class ListingDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facilities: list[Facility] = []
    citizens: list[Citizen] = []

    @model_validator(mode="after")
    def _consistent(self) -> ListingDataset:
        facilities = {f.id for f in self.facilities}
        if len(facilities) != len(self.facilities):
            raise ValueError("each facility id may appear only once")
        if len({c.id for c in self.citizens}) != len(self.citizens):
            raise ValueError("each citizen id may appear only once")
        unknown = {c.listing.facility for c in self.citizens if c.listing} - facilities
        if unknown:
            raise ValueError(f"listings at facilities not in the dataset: {sorted(unknown)}")
        queued = [p.person for f in self.facilities for p in f.queue]
        if len(set(queued)) != len(queued):
            raise ValueError("a citizen can hold one queue place at most")
        return self


def seed(tx: Entities, document: Any) -> None:
    dataset = ListingDataset.model_validate(document)
    for facility in dataset.facilities:
        tx.insert("facility", facility.id, facility.model_dump(mode="json"))
    for citizen in dataset.citizens:
        tx.insert("citizen", citizen.id, citizen.model_dump(mode="json"))


def birth_date(number: str) -> date:
    """From a personnummer or samordningsnummer (day + 60)."""
    day = int(number[6:8])
    return date(int(number[:4]), int(number[4:6]), day - 60 if day > 60 else day)


def age_on(number: str, today: date) -> int:
    birth = birth_date(number)
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Outcome:
    """What CreateListing answers: the contract's result code and a text for the citizen."""

    code: str
    text: str


@dataclass(frozen=True)
class ListingRequest:
    person: str
    actor: str  # CITIZEN, GUARDIAN, ...
    facility: str
    listing_type: str
    personnel: str | None
    add_to_queue: bool
    county: str  # the region addressed, or the new listing county


class ListingBackend:
    def __init__(self, store: MockStore, name: str, annual_limit: int) -> None:
        self.store, self.name, self.annual_limit = store, name, annual_limit

    def _view(self) -> EntityView:
        return self.store.entities(self.name)

    def citizen(self, person: str, view: EntityView | None = None) -> Citizen:
        """A citizen the mock has never seen is a resident of the region with no listing."""
        found = (view or self._view()).get("citizen", person)
        return Citizen.model_validate(found) if found else Citizen(id=person)

    def facility(self, facility_id: str, view: EntityView | None = None) -> Facility | None:
        found = (view or self._view()).get("facility", facility_id.upper())
        return Facility.model_validate(found) if found else None

    def facilities(self, county: str) -> list[Facility]:
        docs = self._view().list("facility", lambda f: f["county"] == county)
        return [Facility.model_validate(doc) for doc in docs]

    def queue_place(self, person: str, view: EntityView | None = None) -> tuple[Facility, int]:
        """The facility where the citizen queues and their 1-based position; raises LookupError."""
        docs = (view or self._view()).list(
            "facility", lambda f: any(p["person"] == person for p in f["queue"])
        )
        if not docs:
            raise LookupError(person)
        facility = Facility.model_validate(docs[0])
        position = next(i for i, p in enumerate(facility.queue, 1) if p.person == person)
        return facility, position

    def remaining_changes(self, citizen: Citizen, today: date) -> int:
        return max(0, self.annual_limit - changes_counted(citizen, today))

    def create(self, request: ListingRequest, today: date) -> Outcome:
        with self.store.transaction(self.name) as tx:
            return self._create(tx, request, today)

    def _create(self, tx: Entities, request: ListingRequest, today: date) -> Outcome:
        if request.actor not in ("CITIZEN", "GUARDIAN"):
            return Outcome("ERROR", f"Aktören {request.actor} får inte lista invånare här.")
        facility = self.facility(request.facility, tx)
        if facility is None or facility.county != request.county:
            return Outcome("ERROR", "Vårdenheten finns inte i regionen.")
        if request.listing_type not in facility.listingTypes:
            return Outcome("ERROR", f"{facility.name} listar inte {request.listing_type}.")
        if request.personnel and request.personnel.upper() not in {
            p.id.upper() for p in facility.personnel
        }:
            return Outcome("ERROR", f"Personen går inte att välja på {facility.name}.")
        citizen = self.citizen(request.person, tx)
        if request.actor == "GUARDIAN" and citizen.guardianConsentNeeded:
            return Outcome(
                "ERROR_GUARDIAN_CONSENT_NEEDED", "Barnets andra vårdnadshavare behöver godkänna."
            )
        age = age_on(citizen.id, today)
        if (facility.minAge is not None and age < facility.minAge) or (
            facility.maxAge is not None and age > facility.maxAge
        ):
            return Outcome("ERROR_AGE_LIMIT", f"{facility.name} listar inte personer i din ålder.")
        if self.remaining_changes(citizen, today) == 0:
            return Outcome(
                "ERROR_MAXIMUM_ANNUAL_UPDATES_EXCEEDED",
                f"Högst {self.annual_limit} byten per tolv månader.",
            )
        queue = facility.full
        if queue and not (request.add_to_queue and facility.hasQueue):
            return Outcome(
                "ERROR_MAXIMUM_CITIZEN_REACHED_ON_CAREUNIT", f"{facility.name} tar inte emot fler."
            )
        cancelled = self._leave_queue(tx, citizen.id)
        changes = [*citizen.changes, today]
        if queue:
            place = QueuePlace(person=citizen.id, since=today, personnel=request.personnel)
            facility = self.facility(facility.id, tx) or facility  # the queue may have changed
            facility.queue.append(place)
            tx.put("facility", facility.id, facility.model_dump(mode="json"))
            tx.put("citizen", citizen.id, _dump(citizen, changes=changes))
            return Outcome("OK", f"Du står i kö till {facility.name}, plats {len(facility.queue)}.")
        if citizen.listing is not None:
            self._count(tx, citizen.listing.facility, -1)
        self._count(tx, facility.id, +1)
        listing = Listing(
            facility=facility.id,
            type=request.listing_type,
            personnel=request.personnel.upper() if request.personnel else None,
            validFrom=today,
        )
        tx.put(
            "citizen",
            citizen.id,
            _dump(citizen, listing=listing, changes=changes, county=facility.county),
        )
        if cancelled is not None:
            return Outcome("INFO", f"Din köplats till {cancelled} är borttagen.")
        return Outcome("OK", f"Du är listad på {facility.name}.")

    def _leave_queue(self, tx: Entities, person: str) -> str | None:
        """Cancel the citizen's queue place, if any; the facility's name."""
        try:
            facility, _ = self.queue_place(person, tx)
        except LookupError:
            return None
        facility.queue = [p for p in facility.queue if p.person != person]
        tx.put("facility", facility.id, facility.model_dump(mode="json"))
        return facility.name

    def _count(self, tx: Entities, facility_id: str, delta: int) -> None:
        def change(doc: dict[str, Any]) -> dict[str, Any]:
            return {**doc, "listed": max(0, doc["listed"] + delta)}

        if tx.get("facility", facility_id) is not None:
            tx.update("facility", facility_id, change)


def changes_counted(citizen: Citizen, today: date) -> int:
    """Changes within the last 12 months: one made a year ago today no longer counts."""
    since = years_before(today, 1)
    return sum(1 for day in citizen.changes if since < day <= today)


def _dump(citizen: Citizen, **changes: Any) -> dict[str, Any]:
    return citizen.model_copy(update=changes).model_dump(mode="json")
