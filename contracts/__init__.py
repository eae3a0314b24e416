"""Our contract documents (WSDL/XSD/OpenAPI) and the consumer contract suites.

Installed with the package so `etjanst contracts` can run the suites anywhere. Shared facts
about each upstream contract (namespaces, SOAPActions, file locations) live here, because both
the gateway's clients and the mocks are built from the same documents.
"""

from pathlib import Path

CONTRACTS_DIR = Path(__file__).resolve().parent
