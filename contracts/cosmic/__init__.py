"""GetMedicationHistory v2 (clinicalprocess:activityprescription:actoutcome), RIVTABP21."""

from contracts import CONTRACTS_DIR

COSMIC_DIR = CONTRACTS_DIR / "cosmic"
WSDL = COSMIC_DIR / "GetMedicationHistoryInteraction_2.1_RIVTABP21.wsdl"
RESPONDER_XSD = COSMIC_DIR / "GetMedicationHistoryResponder_2.xsd"

RESPONDER_NS = (
    "urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistoryResponder:2"
)
CORE_NS = "urn:riv:clinicalprocess:activityprescription:actoutcome:2"
REGISTRY_NS = "urn:riv:itintegration:registry:1"
INTERACTION_NS = (
    "urn:riv:clinicalprocess:activityprescription:actoutcome:GetMedicationHistory:2:rivtabp21"
)
BINDING = f"{{{INTERACTION_NS}}}GetMedicationHistoryResponderBinding"
OPERATION = "GetMedicationHistory"
SOAP_ACTION = f"{RESPONDER_NS}:{OPERATION}"
