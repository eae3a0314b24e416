"""The population register: population:residentmaster 1.1, LookupResidentForFullProfile
(RIVTABP21). Names, birth dates, protected identity and relations (custody among them) of the
people asked about."""

from contracts import CONTRACTS_DIR
from contracts.riv import interaction_path
from contracts.upstream import Interaction, Upstream

POPULATION_DIR = CONTRACTS_DIR / "population"
WSDL = POPULATION_DIR / "LookupResidentForFullProfileInteraction_1.1_RIVTABP21.wsdl"
RESPONDER_XSD = POPULATION_DIR / "LookupResidentForFullProfileResponder_1.1.xsd"

RESPONDER_NS = "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
CORE_NS = "urn:riv:population:residentmaster:1"
EXT_NS = "urn:riv:population:residentmaster:1.1"  # what version 1.1 added (Relationer...)
INTERACTION_NS = "urn:riv:population:residentmaster:LookupResidentForFullProfile:1:rivtabp21"
BINDING = f"{{{INTERACTION_NS}}}LookupResidentForFullProfileResponderBinding"
OPERATION = "LookupResidentForFullProfile"
SOAP_ACTION = f"{RESPONDER_NS}:{OPERATION}"

UPSTREAM = Upstream(
    name="population",
    title="Population register: population:residentmaster LookupResidentForFullProfile 1.1 "
    "(RIVTABP21)",
    protocol="soap",
    interactions=(
        Interaction(
            OPERATION,
            interaction_path(OPERATION, 1),
            "gateway.upstreams.population_calls:residents",
        ),
    ),
    client="gateway.upstreams.population:PopulationClient",
    mock="mocks.population.mock:PopulationMock",
    logical_address="5565594230",  # Inera AB's organisation number: the national register
    suite="population",
)
