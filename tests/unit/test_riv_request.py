"""RIV-TA requests built from a compiled plan are the bytes zeep writes for the same call, for
every operation of every SOAP client, and valid against the contract's XSD; what a plan cannot
build it refuses as zeep does."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from zeep import Client
from zeep import Settings as ZeepSettings

from contracts.riv import SAFE_PARSER, SOAP_ENV
from gateway.upstreams import cosmic, cosmic_scheduling, ehm_hkdb, frikort, listing, population
from gateway.upstreams.riv_request import RivRequest
from gateway.upstreams.soap import SoapContract

UNIT = "SE2321000057-5VTN"
PATIENT = "199010012384"
ADDRESS = {"LogicalAddress": UNIT}
AS_CITIZEN = {**ADDRESS, "Actor": {"actorId": PATIENT, "actorType": "subject_of_care"}}
PERSON = {"root": "1.2.752.129.2.1.3.1", "extension": PATIENT}
ACTOR = {"actorId": PERSON, "actorType": "CITIZEN"}
LISTING_TYPE = {"code": "HLM", "codeSystem": "1.2.752.129.2.2.2.1"}
SLOT = {
    "startTimeInclusive": "20261202090000",
    "endTimeExclusive": "20261202092000",
    "healthcare_facility": UNIT,
    "performer": "SE2321000057-P1",
    "bookingId": None,
    "subject_of_care": PATIENT,
    "timeTypeID": "T1",
}
FRIKORT = (frikort.GET_CARD_FOR_PERSON, frikort.GET_EXTENDED_CARD)
CONTRACTS: dict[str, SoapContract] = {
    **cosmic_scheduling.CONTRACTS,
    cosmic.OPERATION: cosmic.CONTRACT,
    **{i.name: frikort._contract(i) for i in FRIKORT},
    **{op.name: listing._contract(op) for op in listing.OPERATIONS},
    population.OPERATION: population.CONTRACT,
    ehm_hkdb.OPERATION: ehm_hkdb.CONTRACT,
    ehm_hkdb.TRANSACTIONS: ehm_hkdb.TRANSACTIONS_CONTRACT,
}
COUNTY = {"root": "1.2.752.129.2.2.1.18", "extension": "06"}
CLIENT = {"klientinformation": {"anvandare": UNIT, "system": "etjanst-gateway"}, "persNr": PATIENT}
WEEK = {"startDateInclusive": "20261202", "endDateInclusive": "20261208"}
AS_GUARDIAN = {**ADDRESS, "Actor": {"actorId": PATIENT, "actorType": "subject_of_care_agent"}}
# what each client sends: its headers and arguments, optional ones given as None where it does
CALLS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "GetSubjectOfCareSchedule": (
        AS_CITIZEN,
        {"healthcare_facility": UNIT, "subject_of_care": PATIENT},
    ),
    "GetAvailableTimeslots": (
        AS_GUARDIAN,
        {"healthcare_facility": UNIT, "bookingId": None, **WEEK, "timeTypeID": None},
    ),
    "GetAvailableDates": (
        AS_CITIZEN,
        {"healthcare_facility": UNIT, **WEEK, "performer": ["P1", "P2"]},
    ),
    "MakeBooking": (
        AS_CITIZEN,
        {
            "healthcare_facility_med": UNIT,
            "requestedTimeslot": SLOT,
            "subject_of_care_info": {"firstName": "", "lastName": ""},
            "notification": "Ring på dörren <b>&</b>",
        },
    ),
    "UpdateBooking": (AS_CITIZEN, {"requestedTimeslot": {**SLOT, "bookingId": "B1"}}),
    "CancelBooking": (AS_CITIZEN, {"healthcare_facility": UNIT, "bookingId": "B1"}),
    "GetBookingDetails": (AS_CITIZEN, {"healthcare_facility": UNIT, "bookingId": "B1"}),
    "GetAllTimeTypes": (AS_CITIZEN, {"healthcare_facility": UNIT, "subject_of_care": PATIENT}),
    "GetMedicationHistory": (
        ADDRESS,
        {
            "careUnitHSAId": [UNIT],
            "patientId": {"id": PATIENT, "type": "1.2.752.129.2.1.3.1"},
            "datePeriod": {"start": "20211125", "end": "20261125"},
        },
    ),
    "GetCardForPerson": (ADDRESS, {"PersonId": PATIENT, "CardNature": "CARE_VISIT"}),
    "GetExtendedCard": (ADDRESS, {"CardSystemId": "FK-1"}),
    "GetListingCounty": (ADDRESS, {"actor": ACTOR, "personId": PERSON}),
    "GetListing": ({"LogicalAddress": "06"}, {"actor": ACTOR, "personId": PERSON}),
    "GetListingTypes": (ADDRESS, {"personId": PERSON, "homeCountyCode": COUNTY}),
    "GetAvailableHealthcareFacilities": (
        ADDRESS,
        {"healthcareFacilities": [], "listingTypes": [LISTING_TYPE]},
    ),
    "GetAvailableHealthcarePersonnel": (
        ADDRESS,
        {"personId": PERSON, "healthcareFacilityHSAId": UNIT, "listingTypes": [LISTING_TYPE]},
    ),
    "CreateListing": (
        ADDRESS,
        {
            "actor": ACTOR,
            "personId": PERSON,
            "healthcareFacilityHSAId": UNIT,
            "listingType": LISTING_TYPE,
            "healthcarePersonnel": None,
            "addToQueue": False,
            "homeCounty": COUNTY,
        },
    ),
    "LookupResidentForFullProfile": (
        ADDRESS,
        {"personId": [PATIENT, "191212121212"], "lookUpSpecification": {}},
    ),
    "HamtaHkdbKonto": (ADDRESS, CLIENT),
    "HamtaHkdbTransaktionerWebb": (ADDRESS, CLIENT),
}


def zeep_and_plan(operation: str) -> tuple[Client, Any, RivRequest]:
    contract = CONTRACTS[operation]
    client = Client(str(contract.wsdl), settings=ZeepSettings(strict=False, forbid_external=True))
    service = client.create_service(contract.binding, "http://unused.invalid/")
    plan = RivRequest.compile(client.wsdl.bindings[contract.binding].get(operation))
    assert plan is not None, f"{operation} has no plan"
    return client, service, plan


def test_every_operation_of_every_soap_client_is_covered() -> None:
    assert set(CALLS) == set(CONTRACTS)


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_the_plan_writes_zeeps_bytes_valid_against_the_xsd(operation: str) -> None:
    client, service, plan = zeep_and_plan(operation)
    headers, arguments = CALLS[operation]
    by_zeep = etree.tostring(
        client.create_message(service, operation, _soapheaders=headers, **arguments),
        xml_declaration=True,
        encoding="utf-8",
    )
    planned = plan.envelope(headers, arguments)
    assert planned == by_zeep
    payload = etree.fromstring(planned).find(f"{{{SOAP_ENV}}}Body")[0]
    schema = etree.XMLSchema(etree.parse(str(CONTRACTS[operation].schema), SAFE_PARSER))
    assert schema.validate(payload), schema.error_log


def test_a_missing_required_element_or_an_unknown_one_is_refused() -> None:
    _, _, plan = zeep_and_plan("GetBookingDetails")
    with pytest.raises(ValueError, match="missing element healthcare_facility"):
        plan.envelope(AS_CITIZEN, {"bookingId": "B1"})
    with pytest.raises(TypeError, match="no element bookingID"):
        plan.envelope(AS_CITIZEN, {"healthcare_facility": UNIT, "bookingID": "B1"})
    with pytest.raises(TypeError, match="header has no element Actr"):
        plan.envelope({**ADDRESS, "Actr": {}}, {"healthcare_facility": UNIT, "bookingId": "B1"})
