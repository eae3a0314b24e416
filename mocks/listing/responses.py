"""The carelisting v2 interactions as a region's listing system answers them: one handler per
operation, reading the request and rendering the answer; the rules live in models.py.

Every call is addressed to one region by its LogicalAddress (the county code): a region answers
for its own facilities and the listings it holds, and knows nothing of the others'.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from contracts.listing import (
    CORE_NS,
    COUNTY_OID,
    CREATE_LISTING,
    EXT_NS,
    GET_FACILITIES,
    GET_LISTING,
    GET_LISTING_COUNTY,
    GET_LISTING_TYPES,
    GET_PERSONNEL,
    LISTING_TYPE_OID,
    PRIMARY_CARE,
    PRIMARY_CARE_NAME,
    Operation,
)
from mocks.kit.soap import Call
from mocks.listing.models import Facility, ListingBackend, ListingRequest, Personnel

C = f"{{{CORE_NS}}}"
X = f"{{{EXT_NS}}}"
TYPE_NAMES = {PRIMARY_CARE: PRIMARY_CARE_NAME}


def person_of(payload: etree._Element) -> str | None:
    """The personId's extension (the identity number), where the request names one."""
    for element in payload:
        if etree.QName(element).localname == "personId":
            return _text(element, f"{C}extension")
    return None


def get_listing_county(call: Call) -> bytes:
    answer = _Answer(call, GET_LISTING_COUNTY)
    if answer.refused:
        return answer.done()
    backend: ListingBackend = call.backend
    citizen = backend.citizen(_person(call))
    county = answer.add("listingCounties")
    etree.SubElement(county, f"{C}root").text = COUNTY_OID
    etree.SubElement(county, f"{C}extension").text = citizen.county
    return answer.done()


def get_listing(call: Call) -> bytes:
    answer = _Answer(call, GET_LISTING)
    if answer.refused:
        return answer.done()
    backend: ListingBackend = call.backend
    citizen = backend.citizen(_person(call))
    remaining = backend.remaining_changes(citizen, call.today)
    if citizen.listing is not None and citizen.county == call.logical_address:
        listing = citizen.listing
        facility = backend.facility(listing.facility)
        if facility is not None:
            element = answer.add("listings")
            _dates(element, listing.validFrom, listing.validTo)
            _cv(etree.SubElement(element, f"{C}listingType"), listing.type)
            _facility(etree.SubElement(element, f"{C}healthcareFacility"), facility)
            _chosen(element, facility, listing.personnel)
            etree.SubElement(element, f"{C}isInQueue").text = "false"
            etree.SubElement(element, f"{X}remainingChanges").text = str(remaining)
    try:
        facility, position = backend.queue_place(citizen.id)
    except LookupError:
        return answer.done()
    if facility.county == call.logical_address:
        place = facility.queue[position - 1]
        element = answer.add("listings")
        _dates(element, place.since, None)
        _cv(etree.SubElement(element, f"{C}listingType"), facility.listingTypes[0])
        _facility(etree.SubElement(element, f"{C}healthcareFacility"), facility)
        _chosen(element, facility, place.personnel)
        etree.SubElement(element, f"{C}isInQueue").text = "true"
        etree.SubElement(element, f"{X}queuePosition").text = str(position)
        wait = position * facility.waitDaysPerPlace
        etree.SubElement(element, f"{X}estimatedWaitInQueue").text = str(wait)
        etree.SubElement(element, f"{X}remainingChanges").text = str(remaining)
    return answer.done()


def get_listing_types(call: Call) -> bytes:
    answer = _Answer(call, GET_LISTING_TYPES)
    if not answer.refused:
        _cv(answer.add("listingTypes"), PRIMARY_CARE)
    return answer.done()


def get_available_healthcare_facilities(call: Call) -> bytes:
    answer = _Answer(call, GET_FACILITIES)
    if answer.refused:
        return answer.done()
    backend: ListingBackend = call.backend
    request = call.request.payload
    asked = request.iterfind(_r(GET_FACILITIES, "healthcareFacilities"))
    wanted = {e.text.strip().upper() for e in asked if e.text}
    types = {_text(e, f"{C}code") for e in request.iterfind(_r(GET_FACILITIES, "listingTypes"))}
    for facility in backend.facilities(call.logical_address):
        if wanted and facility.id not in wanted:
            continue
        if types and not types & set(facility.listingTypes):
            continue
        _facility(answer.add("healthcareFacilities"), facility)
    return answer.done()


def get_available_healthcare_personnel(call: Call) -> bytes:
    answer = _Answer(call, GET_PERSONNEL)
    if answer.refused:
        return answer.done()
    backend: ListingBackend = call.backend
    wanted = _text(call.request.payload, _r(GET_PERSONNEL, "healthcareFacilityHSAId")) or ""
    facility = backend.facility(wanted)
    if facility is None or facility.county != call.logical_address:
        return answer.done("ERROR", "Vårdenheten finns inte i regionen.")
    for person in facility.personnel:
        _personnel(answer.add("healthcarePersonnel"), person)
    return answer.done()


def create_listing(call: Call) -> bytes:
    answer = _Answer(call, CREATE_LISTING)
    if answer.refused:
        return answer.done()
    backend: ListingBackend = call.backend
    request = call.request.payload

    def field(name: str) -> str | None:
        return _text(request, _r(CREATE_LISTING, name))

    outcome = backend.create(
        ListingRequest(
            person=_person(call),
            actor=_text(request, f"{_r(CREATE_LISTING, 'actor')}/{C}actorType") or "",
            facility=field("healthcareFacilityHSAId") or "",
            listing_type=_text(request, f"{_r(CREATE_LISTING, 'listingType')}/{C}code") or "",
            personnel=field("healthcarePersonnel"),
            add_to_queue=field("addToQueue") in ("true", "1"),
            county=_text(request, f"{_r(CREATE_LISTING, 'newListingCounty')}/{C}extension")
            or call.logical_address,
        ),
        call.today,
    )
    return answer.done(outcome.code, outcome.text)


class _Answer:
    """The response element of one operation, with the admin API's `result` rule applied: an
    ERROR rule refuses before anything is done, an INFO rule says its message."""

    def __init__(self, call: Call, operation: Operation) -> None:
        self.call, self.operation = call, operation
        self.element = etree.Element(
            operation.response, nsmap={None: operation.responder_ns, "core": CORE_NS, "ext": EXT_NS}
        )
        self.refused = call.result is not None and call.result.resultCode == "ERROR"

    def add(self, name: str) -> etree._Element:
        return etree.SubElement(self.element, _r(self.operation, name))

    def done(self, code: str = "OK", text: str | None = None) -> bytes:
        result = self.call.result
        if result is not None and result.resultCode == "ERROR":
            code, text = "ERROR", result.message
        elif result is not None and code == "OK":
            code, text = "INFO", result.message
        etree.SubElement(self.element, _r(self.operation, "resultCode")).text = code
        if text:
            etree.SubElement(self.element, _r(self.operation, "resultText")).text = text
        return etree.tostring(self.call.validated(self.element))


def _r(operation: Operation, name: str) -> str:
    return f"{{{operation.responder_ns}}}{name}"


def _text(parent: etree._Element, path: str) -> str | None:
    value = parent.findtext(path)
    return value.strip() if value and value.strip() else None


def _person(call: Call) -> str:
    return person_of(call.request.payload) or ""


def _dates(element: etree._Element, start: date, end: date | None) -> None:
    etree.SubElement(element, f"{C}validFromDate").text = f"{start.isoformat()}T00:00:00"
    if end is not None:
        etree.SubElement(element, f"{C}validToDate").text = f"{end.isoformat()}T23:59:59"


def _cv(element: etree._Element, code: str) -> None:
    etree.SubElement(element, f"{C}code").text = code
    etree.SubElement(element, f"{C}codeSystem").text = LISTING_TYPE_OID
    if code in TYPE_NAMES:
        etree.SubElement(element, f"{C}displayName").text = TYPE_NAMES[code]


def _facility(element: etree._Element, facility: Facility) -> None:
    etree.SubElement(element, f"{C}id").text = facility.id
    etree.SubElement(element, f"{C}name").text = facility.name
    etree.SubElement(element, f"{C}hasQueue").text = _bool(facility.hasQueue)
    for code in facility.listingTypes:
        _cv(etree.SubElement(element, f"{C}supportedListingTypes"), code)
    etree.SubElement(element, f"{C}supportsHealthcarePersonnel").text = _bool(
        bool(facility.personnel)
    )
    if facility.hasQueue:
        etree.SubElement(element, f"{X}queueLength").text = str(len(facility.queue))
        wait = len(facility.queue) * facility.waitDaysPerPlace
        etree.SubElement(element, f"{X}estimatedWaitInQueue").text = str(wait)


def _chosen(element: etree._Element, facility: Facility, personnel: str | None) -> None:
    wanted = (personnel or "").upper()
    found = next((p for p in facility.personnel if p.id.upper() == wanted), None)
    if found is not None:
        _personnel(etree.SubElement(element, f"{C}healthcarePersonnel"), found)


def _personnel(element: etree._Element, person: Personnel) -> None:
    etree.SubElement(element, f"{C}id").text = person.id
    etree.SubElement(element, f"{C}name").text = person.name
    if person.title:
        etree.SubElement(element, f"{C}title").text = person.title


def _bool(value: bool) -> str:
    return "true" if value else "false"
