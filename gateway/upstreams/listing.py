"""The national listing service, supportprocess:logistics:carelisting v2: requests and
XML -> domain objects. Contract element names appear only in this module.

Each call is routed to one region by its LogicalAddress, a county code: GetListingCounty to the
configured `logical_address`, GetListing to the county it names, the calls about choosing a
facility to the region's own county (`home_county`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from contracts.listing import (
    CORE_NS,
    COUNTY_OID,
    CREATE_LISTING,
    EXT_NS,
    GET_FACILITIES,
    GET_LISTING,
    GET_LISTING_COUNTY,
    GET_PERSONNEL,
    LISTING_TYPE_OID,
    OPERATIONS,
    UPSTREAM,
    Operation,
)
from gateway.domain.identity import Identity
from gateway.domain.listing import (
    Actor,
    Facility,
    Listing,
    ListingChange,
    ListingType,
    Personnel,
)
from gateway.errors import UpstreamBusinessError, UpstreamInvalidResponse
from gateway.upstreams.http import UpstreamContext
from gateway.upstreams.listing_settings import ListingSettings
from gateway.upstreams.riv_xml import Children, Elements, boolean
from gateway.upstreams.soap import RivSoapClient, SoapContract

CORE = Elements(CORE_NS)
EXT = Elements(EXT_NS)
SUCCESS = frozenset({"OK", "INFO"})
RESULT_CODES = SUCCESS | {
    "ERROR",
    "ERROR_MAXIMUM_ANNUAL_UPDATES_EXCEEDED",
    "ERROR_MAXIMUM_CITIZEN_REACHED_ON_CAREUNIT",
    "ERROR_GUARDIAN_CONSENT_NEEDED",
    "ERROR_AGE_LIMIT",
}


def _contract(operation: Operation) -> SoapContract:
    return SoapContract(
        operation.wsdl,
        operation.binding,
        operation.schema,
        frozenset({operation.responder_ns, CORE_NS, EXT_NS}),
    )


@dataclass(frozen=True)
class Result:
    code: str  # one of RESULT_CODES
    text: str | None

    @property
    def notice(self) -> str | None:
        """INFO: done, with a message the citizen must be shown."""
        return self.text if self.code == "INFO" else None


@dataclass(frozen=True)
class Listings:
    items: list[Listing]
    result: Result


class ListingClient(RivSoapClient):
    settings: ListingSettings

    def __init__(self, settings: ListingSettings, context: UpstreamContext) -> None:
        super().__init__(UPSTREAM, settings, context, {op.name: _contract(op) for op in OPERATIONS})

    @property
    def home_county(self) -> str:
        return self.settings.home_county

    def listing_county(self, actor: Actor, by: Identity, person: Identity) -> str:
        """The county of the region that holds the citizen's listing (their home region when
        the answer names none)."""
        payload = self._ask(
            GET_LISTING_COUNTY,
            self.settings.logical_address,
            actor=_actor(actor, by),
            personId=_person(person),
        )
        counties = [
            CORE.text(CORE.children(element), "extension")
            for element in payload.iterfind(_r(GET_LISTING_COUNTY, "listingCounties"))
        ]
        return next((c for c in counties if c), self.home_county)

    def listings(self, actor: Actor, by: Identity, person: Identity, county: str) -> Listings:
        payload = self._ask(GET_LISTING, county, actor=_actor(actor, by), personId=_person(person))
        items = [_listing(element) for element in payload.iterfind(_r(GET_LISTING, "listings"))]
        return Listings(items, _result(GET_LISTING, payload))

    def facilities(self, listing_type: str, only: list[str] | None = None) -> list[Facility]:
        payload = self._ask(
            GET_FACILITIES,
            self.home_county,
            healthcareFacilities=only or [],
            listingTypes=[_cv(listing_type)],
        )
        return [
            _facility(element)
            for element in payload.iterfind(_r(GET_FACILITIES, "healthcareFacilities"))
        ]

    def personnel(self, person: Identity, facility: str, listing_type: str) -> list[Personnel]:
        payload = self._ask(
            GET_PERSONNEL,
            self.home_county,
            personId=_person(person),
            healthcareFacilityHSAId=facility,
            listingTypes=[_cv(listing_type)],
        )
        return [
            _personnel(CORE.children(element))
            for element in payload.iterfind(_r(GET_PERSONNEL, "healthcarePersonnel"))
        ]

    def create(self, actor: Actor, by: Identity, person: Identity, change: ListingChange) -> Result:
        """The contract's result, ERROR_* codes included: whether they refuse is the caller's
        business. Never raises for a result code."""
        reply = self.call(
            CREATE_LISTING.name,
            logical_address=self.home_county,
            actor=_actor(actor, by),
            personId=_person(person),
            healthcareFacilityHSAId=change.facility,
            listingType=_cv(change.type),
            healthcarePersonnel=change.personnel,
            addToQueue=change.add_to_queue,
            homeCounty={"root": COUNTY_OID, "extension": self.home_county},
        )
        return _result(CREATE_LISTING, _answer(CREATE_LISTING, reply.payload))

    def _ask(self, operation: Operation, county: str | None, **arguments: object) -> etree._Element:
        """A read: its payload when the result is OK or INFO; anything else is the upstream's
        error."""
        payload = _answer(
            operation, self.call(operation.name, logical_address=county, **arguments).payload
        )
        result = _result(operation, payload)
        if result.code not in SUCCESS:
            raise UpstreamBusinessError(UPSTREAM.name, f"{result.code}: {result.text or 'no text'}")
        return payload


def _answer(operation: Operation, payload: etree._Element) -> etree._Element:
    if payload.tag != operation.response:
        raise UpstreamInvalidResponse(UPSTREAM.name, f"unexpected answer element {payload.tag}")
    return payload


def _result(operation: Operation, payload: etree._Element) -> Result:
    code = (payload.findtext(_r(operation, "resultCode")) or "").strip()
    if code not in RESULT_CODES:
        raise UpstreamInvalidResponse(UPSTREAM.name, "the answer has no valid resultCode")
    text = (payload.findtext(_r(operation, "resultText")) or "").strip()
    return Result(code, text or None)


def _r(operation: Operation, name: str) -> str:
    return f"{{{operation.responder_ns}}}{name}"


def _actor(actor: Actor, by: Identity) -> dict[str, object]:
    return {"actorId": _person(by), "actorType": actor.value}


def _person(person: Identity) -> dict[str, str]:
    return {"root": person.kind.value, "extension": person.number}


def _cv(code: str) -> dict[str, str]:
    return {"code": code, "codeSystem": LISTING_TYPE_OID}


def _listing(element: etree._Element) -> Listing:
    fields = CORE.children(element)  # by tag, whatever the namespace: EXT reads from it too
    facility = CORE.child(fields, "healthcareFacility")
    if facility is None:
        raise UpstreamInvalidResponse(UPSTREAM.name, "a listing without its healthcareFacility")
    chosen = CORE.child(fields, "healthcarePersonnel")
    kind = CORE.children(CORE.child(fields, "listingType"))
    return Listing(
        type=ListingType(CORE.text(kind, "code") or "", CORE.text(kind, "displayName")),
        facility=_facility(facility),
        personnel=_personnel(CORE.children(chosen)) if chosen is not None else None,
        valid_from=_day(CORE.text(fields, "validFromDate")),
        valid_to=_day(CORE.text(fields, "validToDate")),
        in_queue=boolean(CORE.text(fields, "isInQueue")),
        queue_position=_int(EXT.text(fields, "queuePosition")),
        estimated_wait_days=_int(EXT.text(fields, "estimatedWaitInQueue")),
        remaining_changes=_int(EXT.text(fields, "remainingChanges")),
    )


def _facility(element: etree._Element) -> Facility:
    fields = CORE.children(element)  # by tag, whatever the namespace: EXT reads from it too
    hsa_id, name = CORE.text(fields, "id"), CORE.text(fields, "name")
    if hsa_id is None or name is None:
        raise UpstreamInvalidResponse(UPSTREAM.name, "a facility without its id or name")
    types = [
        CORE.text(CORE.children(supported), "code")
        for supported in element.iterfind(CORE.prefix + "supportedListingTypes")
    ]
    return Facility(
        hsa_id=hsa_id,
        name=name,
        has_queue=boolean(CORE.text(fields, "hasQueue")),
        personnel_choice=boolean(CORE.text(fields, "supportsHealthcarePersonnel")),
        listing_types=tuple(t for t in types if t),
        queue_length=_int(EXT.text(fields, "queueLength")),
        estimated_wait_days=_int(EXT.text(fields, "estimatedWaitInQueue")),
    )


def _personnel(fields: Children) -> Personnel:
    hsa_id, name = CORE.text(fields, "id"), CORE.text(fields, "name")
    if hsa_id is None or name is None:
        raise UpstreamInvalidResponse(UPSTREAM.name, "healthcare personnel without id or name")
    return Personnel(hsa_id, name, CORE.text(fields, "title"))


def _day(text: str | None) -> date | None:
    """xs:dateTime -> its date; None when absent or not a date."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
