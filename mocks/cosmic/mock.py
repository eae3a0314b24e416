"""The Cosmic mock: the kit's SoapMock with Cosmic's dataset and operations."""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from contracts.cosmic import CORE_NS, OPERATION, RESPONDER_NS, RESPONDER_XSD, SOAP_ACTION, WSDL
from mocks.cosmic.data import default_dataset
from mocks.cosmic.models import CosmicDataset
from mocks.cosmic.responses import get_medication_history
from mocks.kit.service import Operation, SoapMock


class CosmicMock(SoapMock):
    name = "cosmic"
    endpoint = "GetMedicationHistory/2/rivtabp21"
    wsdl = WSDL
    schema_path = RESPONDER_XSD
    dataset_model = CosmicDataset
    operations = {  # noqa: RUF012 - a class-level, read-only routing table
        f"{{{RESPONDER_NS}}}GetMedicationHistory": Operation(
            OPERATION, SOAP_ACTION, get_medication_history
        )
    }

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def patient_of(self, payload: etree._Element) -> str | None:
        return payload.findtext(f"{{{RESPONDER_NS}}}patientId/{{{CORE_NS}}}id")

    def summary(self, dataset: CosmicDataset) -> dict[str, int]:
        return {
            "patients": len(dataset.patients),
            "records": sum(len(p.records) for p in dataset.patients),
        }
