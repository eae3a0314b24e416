"""Cambio Cosmic: GetMedicationHistory v2 (clinicalprocess:activityprescription:actoutcome) and
web booking over crm:scheduling 1.1 (contracts/cosmic/scheduling/), RIVTABP21."""

from contracts import CONTRACTS_DIR
from contracts.cosmic.scheduling import INTERACTIONS as SCHEDULING_INTERACTIONS
from contracts.riv import interaction_path
from contracts.upstream import Interaction, Upstream

COSMIC_DIR = CONTRACTS_DIR / "cosmic"
WSDL = COSMIC_DIR / "GetMedicationHistoryInteraction_2.1_RIVTABP21.wsdl"
RESPONDER_XSD = COSMIC_DIR / "GetMedicationHistoryResponder_2.xsd"

RESPONDER_NS = (
    "urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistoryResponder:2"
)
CORE_NS = "urn:riv:clinicalprocess:activityprescription:actoutcome:2"
EXTENSION_NS = "urn:riv:clinicalprocess:activityprescription:actoutcome:2.1"  # relation
INTERACTION_NS = (
    "urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistory:2:rivtabp21"
)
BINDING = f"{{{INTERACTION_NS}}}GetMedicationHistoryResponderBinding"
OPERATION = "GetMedicationHistory"
SOAP_ACTION = f"{RESPONDER_NS}:{OPERATION}"

UPSTREAM = Upstream(
    name="cosmic",
    title="Cambio Cosmic: GetMedicationHistory v2 and crm:scheduling 1.1 (RIVTABP21)",
    protocol="soap",
    interactions=(
        Interaction(
            OPERATION,
            interaction_path(OPERATION, 2),
            "gateway.upstreams.cosmic_calls:medication_history",
        ),
        *SCHEDULING_INTERACTIONS,
    ),
    client="gateway.upstreams.cosmic:CosmicClient",
    mock="mocks.cosmic.mock:CosmicMock",
    logical_address="SE2321000057-7P8R",
    suite="cosmic",
    producer_suite="producer/get_medication_history",
)
