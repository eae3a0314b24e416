"""The national medication list mock: SearchMedicationRequest over the kit's REST adapter, in
FHIR R4's own terms (`application/fhir+json`, OperationOutcome errors with FHIR issue codes)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from contracts.ehm.nll import (
    ACCESS_HEADER,
    FHIR_JSON,
    OPENAPI,
    PURPOSE_HEADER,
    REVINCLUDE_DISPENSES,
    SEARCH,
    UPSTREAM,
)
from mocks.ehm.nll_data import default_dataset
from mocks.ehm.nll_models import NllDataset, searchset
from mocks.kit.mock import Patient
from mocks.kit.rest import RestCall, RestError, RestMock, RestOperation

IDENTIFIER = re.compile(
    r"http://electronichealth\.se/identifier/(?:personnummer|samordningsnummer)\|([0-9]{12})"
)
HEADER_VALUE = re.compile(r"[!-~]+")  # printable ASCII, no spaces (as the OpenAPI says)
ISSUE_CODES = {400: "invalid", 403: "forbidden", 404: "not-found", 500: "exception"}


def patient(call: RestCall) -> str | None:
    values = call.query.get("patient.identifier") or []
    found = IDENTIFIER.fullmatch(values[0]) if len(values) == 1 else None
    return found.group(1) if found else None


def search_medication_request(call: RestCall) -> tuple[int, Any]:
    for header in (PURPOSE_HEADER, ACCESS_HEADER):
        if not HEADER_VALUE.fullmatch(call.headers.get(header, "")):
            raise RestError(400, f"the {header} header is required")
    number = patient(call)
    if number is None:
        raise RestError(
            400,
            "patient.identifier is required once, as "
            "http://electronichealth.se/identifier/personnummer|<12 digits> "
            "(or .../samordningsnummer|...)",
        )
    revinclude = call.query.get("_revinclude", [])
    if any(value != REVINCLUDE_DISPENSES for value in revinclude):
        raise RestError(400, f"_revinclude supports only {REVINCLUDE_DISPENSES}")
    dataset: NllDataset = call.backend
    base = f"http://{call.headers.get('host', 'localhost')}{UPSTREAM.mock_path}"
    return 200, searchset(base, dataset.patient(number), number, bool(revinclude))


class NllMock(RestMock):
    upstream = UPSTREAM
    dataset_model = NllDataset
    openapi = OPENAPI
    content_type = FHIR_JSON
    operations = (RestOperation(SEARCH, "GET", search_medication_request, patient),)

    def error_document(self, status: int, message: str) -> Any:
        code = ISSUE_CODES.get(status, "processing")
        return {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}],
        }

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def summary(self, dataset: NllDataset) -> dict[str, int]:
        return {
            "patients": len(dataset.patients),
            "prescriptions": sum(len(p.prescriptions) for p in dataset.patients),
        }

    def patients(self, dataset: NllDataset) -> list[Patient]:
        return [Patient(p.id, p.label) for p in dataset.patients]
