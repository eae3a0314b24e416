"""Outpatient high-cost protection: eFrikort GetCardForPerson and GetExtendedCard 1.0
(urn:com:logica:se:healthcare:efrikort, RIVTABP21)."""

from dataclasses import dataclass
from pathlib import Path

from contracts import CONTRACTS_DIR
from contracts.riv import interaction_path
from contracts.upstream import Interaction, Upstream

FRIKORT_DIR = CONTRACTS_DIR / "frikort"
CORE_NS = "urn:com:logica:se:healthcare:efrikort:1"
CARE_VISIT = "CARE_VISIT"  # the card nature of outpatient care ("sjukvårdande behandling")
RESULT_CODES = ("OK", "INFO", "ERROR", "VALIDATION_ERROR", "ACCESSDENIED")


@dataclass(frozen=True)
class FrikortInteraction:
    """One querying interaction of the contract: its WSDL, responder XSD and names."""

    name: str

    @property
    def responder_ns(self) -> str:
        return f"urn:com:logica:se:healthcare:efrikort:querying:{self.name}Responder:1"

    @property
    def binding(self) -> str:
        namespace = f"urn:com:logica:se:healthcare:efrikort:querying:{self.name}:1:rivtabp21"
        return f"{{{namespace}}}{self.name}ResponderBinding"

    @property
    def soap_action(self) -> str:
        return f"{self.responder_ns}:{self.name}"

    @property
    def wsdl(self) -> Path:
        return FRIKORT_DIR / f"{self.name}Interaction_1.0_RIVTABP21.wsdl"

    @property
    def schema(self) -> Path:
        return FRIKORT_DIR / f"{self.name}Responder_1.xsd"

    @property
    def request(self) -> str:
        return f"{{{self.responder_ns}}}{self.name}Request"

    @property
    def response(self) -> str:
        return f"{{{self.responder_ns}}}{self.name}Response"

    @property
    def result(self) -> str:
        """The answer's one child (the contract calls the element `<Operation>ResultType`)."""
        return f"{{{self.responder_ns}}}{self.name}ResultType"


GET_CARD_FOR_PERSON = FrikortInteraction("GetCardForPerson")
GET_EXTENDED_CARD = FrikortInteraction("GetExtendedCard")

UPSTREAM = Upstream(
    name="frikort",
    title="eFrikort outpatient high-cost protection: GetCardForPerson, GetExtendedCard 1.0 "
    "(RIVTABP21)",
    protocol="soap",
    interactions=tuple(
        Interaction(i.name, interaction_path(i.name, 1), f"gateway.upstreams.frikort_calls:{call}")
        for i, call in (
            (GET_CARD_FOR_PERSON, "card_for_person"),
            (GET_EXTENDED_CARD, "extended_card"),
        )
    ),
    client="gateway.upstreams.frikort:FrikortClient",
    mock="mocks.frikort.mock:FrikortMock",
    logical_address="SE2321000057-EFRK",
    suite="frikort",
)
