"""The national medication list (NLL): a FHIR R4 REST subset, NLLMedicationRequest searched by
patient, with the MedicationDispense resources of each prescription on `_revinclude`."""

from contracts.ehm import EHM_DIR
from contracts.upstream import Interaction, Upstream

OPENAPI = EHM_DIR / "nll-openapi.yaml"
FHIR_JSON = "application/fhir+json"
SEARCH = "SearchMedicationRequest"

PERSONNUMMER_SYSTEM = "http://electronichealth.se/identifier/personnummer"
SAMORDNINGSNUMMER_SYSTEM = "http://electronichealth.se/identifier/samordningsnummer"
NPL_ID_SYSTEM = "http://electronichealth.se/fhir/NamingSystem/nplid"
PRESCRIPTION_ID_SYSTEM = "http://electronichealth.se/identifier/nllmedicationrequestid"
PROFILE = "http://electronichealth.se/fhir/StructureDefinition/NLLMedicationRequest"
REVINCLUDE_DISPENSES = "MedicationDispense:prescription"
# the headers every NLL call carries besides the token: why and under which access the data
# is read (logged by the agency)
PURPOSE_HEADER, ACCESS_HEADER = "x-purpose", "x-access"

UPSTREAM = Upstream(
    name="ehm_nll",
    title="E-hälsomyndigheten national medication list: FHIR R4 MedicationRequest search",
    protocol="rest",
    interactions=(
        Interaction(SEARCH, "MedicationRequest", "gateway.upstreams.ehm_nll_calls:medication_list"),
    ),
    client="gateway.upstreams.ehm_nll:NllClient",
    mock="mocks.ehm.nll:NllMock",
    suite="ehm_nll",
)
