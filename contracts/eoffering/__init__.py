"""eservicesupply:eoffering GetAvailableEServices 1.0 (RIVTABP21): the gateway is the producer,
answering from the e-service catalogue which e-services a unit offers and with what
restrictions."""

from contracts import CONTRACTS_DIR
from contracts.produced import Produced
from contracts.riv import interaction_path

EOFFERING_DIR = CONTRACTS_DIR / "eoffering"
WSDL = EOFFERING_DIR / "GetAvailableEServicesInteraction_1.0_RIVTABP21.wsdl"
RESPONDER_XSD = EOFFERING_DIR / "GetAvailableEServicesResponder_1.0.xsd"

RESPONDER_NS = "urn:riv:eservicesupply:eoffering:GetAvailableEServicesResponder:1"
CORE_NS = "urn:riv:eservicesupply:eoffering:1"
OPERATION = "GetAvailableEServices"
SOAP_ACTION = f"{RESPONDER_NS}:{OPERATION}"
ENDPOINT = "/riv/eservicesupply/eoffering/" + interaction_path(OPERATION, 1)

PRODUCED = Produced(
    name="eoffering",
    title="eservicesupply:eoffering GetAvailableEServices 1.0, produced by the gateway",
    path=ENDPOINT,
    suite="producer/get_available_eservices",
)
