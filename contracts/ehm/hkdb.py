"""The high-cost database (HKDB): se.apotekensservice:pris HamtaHkdbKonto v1 (the account) and
HamtaHkdbTransaktionerWebb v1 (its latest transactions), RIVTABP20 (the
routing header is `wsa:To`, not the BP21 LogicalAddress; faults carry ApplicationException or
SystemException details)."""

from contracts.ehm import EHM_DIR
from contracts.riv import interaction_path
from contracts.upstream import Interaction, Upstream

WSDL = EHM_DIR / "HamtaHkdbKontoInteraction_1.0_rivtabp20.wsdl"
RESPONDER_XSD = EHM_DIR / "HamtaHkdbKontoResponder_1.0.xsd"

RESPONDER_NS = "urn:riv:se.apotekensservice:pris:HamtaHkdbKontoResponder:1"
INTERACTION_NS = "urn:riv:inera:se.apotekensservice:pris:HamtaHkdbKonto:1:rivtabp20"
WSA_NS = "http://www.w3.org/2005/08/addressing"
WSA_TO = f"{{{WSA_NS}}}To"
BINDING = f"{{{INTERACTION_NS}}}HamtaHkdbKontoResponderBinding"
OPERATION = "HamtaHkdbKonto"
SOAP_ACTION = f"{RESPONDER_NS}:{OPERATION}"

TRANSACTIONS = "HamtaHkdbTransaktionerWebb"
TRANSACTIONS_WSDL = EHM_DIR / "HamtaHkdbTransaktionerWebbInteraction_1.0_rivtabp20.wsdl"
TRANSACTIONS_XSD = EHM_DIR / "HamtaHkdbTransaktionerWebbResponder_1.0.xsd"
TRANSACTIONS_NS = "urn:riv:se.apotekensservice:pris:HamtaHkdbTransaktionerWebbResponder:1"
TRANSACTIONS_BINDING = (
    "{urn:riv:inera:se.apotekensservice:pris:HamtaHkdbTransaktionerWebb:1:rivtabp20}"
    "HamtaHkdbTransaktionerWebbResponderBinding"
)
TRANSACTIONS_SOAP_ACTION = f"{TRANSACTIONS_NS}:{TRANSACTIONS}"

UPSTREAM = Upstream(
    name="ehm_hkdb",
    title="E-hälsomyndigheten high-cost database: se.apotekensservice:pris HamtaHkdbKonto v1 "
    "and HamtaHkdbTransaktionerWebb v1",
    protocol="soap",
    interactions=(
        Interaction(
            OPERATION,
            interaction_path(OPERATION, 1, "rivtabp20"),
            "gateway.upstreams.ehm_hkdb_calls:account",
        ),
        Interaction(
            TRANSACTIONS,
            interaction_path(TRANSACTIONS, 1, "rivtabp20"),
            "gateway.upstreams.ehm_hkdb_calls:transactions",
        ),
    ),
    client="gateway.upstreams.ehm_hkdb:HkdbClient",
    mock="mocks.ehm.hkdb:HkdbMock",
    logical_address="2021006545",  # E-hälsomyndigheten's organisation number
    suite="ehm_hkdb",
)
