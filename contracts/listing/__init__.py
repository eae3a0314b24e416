"""The national listing service ("Listning"): supportprocess:logistics:carelisting v2
(TKB 2.1), RIVTABP21. One listing system per region: the LogicalAddress of every call is the
county code of the region addressed (`06` for Jönköpings län), chosen per call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contracts import CONTRACTS_DIR
from contracts.riv import interaction_path
from contracts.upstream import Interaction, Upstream

LISTING_DIR = CONTRACTS_DIR / "listing"
DOMAIN = "urn:riv:supportprocess:logistics:carelisting"
CORE_NS = f"{DOMAIN}:2"
EXT_NS = f"{DOMAIN}:2.1"  # the 2.1 additions: queue length and position, waits, changes left
CORE_XSD = LISTING_DIR / "supportprocess_logistics_carelisting_2.1.xsd"

HOME_COUNTY = "06"  # Jönköpings län (SCB county code)
COUNTY_OID = "1.2.752.129.2.2.1.18"
LISTING_TYPE_OID = "1.2.752.129.5.1.27"  # the national listing types; PV = primary care
PRIMARY_CARE = "PV"
PRIMARY_CARE_NAME = "Primärvårdslistning"
CITIZEN_ACTORS = ("CITIZEN", "GUARDIAN")  # the only actors CreateListing accepts from 1177


@dataclass(frozen=True)
class Operation:
    """One interaction of the domain: its version, documents and names."""

    name: str
    version: str  # the contract's minor version, as in its file names

    @property
    def responder_ns(self) -> str:
        return f"{DOMAIN}:{self.name}Responder:2"

    @property
    def interaction_ns(self) -> str:
        return f"{DOMAIN}:{self.name}:2:rivtabp21"

    @property
    def binding(self) -> str:
        return f"{{{self.interaction_ns}}}{self.name}ResponderBinding"

    @property
    def soap_action(self) -> str:
        return f"{self.responder_ns}:{self.name}"

    @property
    def wsdl(self) -> Path:
        return LISTING_DIR / f"{self.name}Interaction_{self.version}_RIVTABP21.wsdl"

    @property
    def schema(self) -> Path:
        return LISTING_DIR / f"{self.name}Responder_{self.version}.xsd"

    @property
    def request(self) -> str:
        return f"{{{self.responder_ns}}}{self.name}"

    @property
    def response(self) -> str:
        return f"{{{self.responder_ns}}}{self.name}Response"


GET_LISTING_COUNTY = Operation("GetListingCounty", "2.0")
GET_LISTING = Operation("GetListing", "2.1")
GET_LISTING_TYPES = Operation("GetListingTypes", "2.0")
GET_FACILITIES = Operation("GetAvailableHealthcareFacilities", "2.1")
GET_PERSONNEL = Operation("GetAvailableHealthcarePersonnel", "2.0")
CREATE_LISTING = Operation("CreateListing", "2.0")
OPERATIONS = (
    GET_LISTING_COUNTY,
    GET_LISTING,
    GET_LISTING_TYPES,
    GET_FACILITIES,
    GET_PERSONNEL,
    CREATE_LISTING,
)
# how `etjanst call` makes each call (GetListingTypes: the gateway's client has no method for it)
CALLS = {
    GET_LISTING_COUNTY.name: "listing_county",
    GET_LISTING.name: "listings",
    GET_FACILITIES.name: "facilities",
    GET_PERSONNEL.name: "personnel",
    CREATE_LISTING.name: "create",
}

UPSTREAM = Upstream(
    name="listing",
    title="National listing service: supportprocess:logistics:carelisting v2 (RIVTABP21)",
    protocol="soap",
    interactions=tuple(
        Interaction(
            op.name,
            interaction_path(op.name, 2),
            f"gateway.upstreams.listing_calls:{CALLS[op.name]}" if op.name in CALLS else None,
        )
        for op in OPERATIONS
    ),
    client="gateway.upstreams.listing:ListingClient",
    mock="mocks.listing.mock:ListingMock",
    logical_address=HOME_COUNTY,
    suite="listing",
    settings="gateway.upstreams.listing_settings:ListingSettings",
)
