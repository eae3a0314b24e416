"""The Cosmic mock: GetMedicationHistory v2 over the kit's SOAP adapter."""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from contracts.cosmic import CORE_NS, OPERATION, RESPONDER_NS, RESPONDER_XSD, SOAP_ACTION, UPSTREAM
from contracts.cosmic import WSDL as MEDICATION_HISTORY_WSDL
from mocks.cosmic.data import default_dataset
from mocks.cosmic.models import CosmicDataset
from mocks.cosmic.responses import get_medication_history
from mocks.kit.mock import Patient
from mocks.kit.soap import SoapMock, SoapOperation


def _patient(payload: etree._Element) -> str | None:
    return payload.findtext(f"{{{RESPONDER_NS}}}patientId/{{{CORE_NS}}}id")


class CosmicMock(SoapMock):
    upstream = UPSTREAM
    dataset_model = CosmicDataset
    operations = (
        SoapOperation(
            name=OPERATION,
            element=f"{{{RESPONDER_NS}}}GetMedicationHistory",
            soap_action=SOAP_ACTION,
            wsdl=MEDICATION_HISTORY_WSDL,
            schema=RESPONDER_XSD,
            handler=get_medication_history,
            patient=_patient,
        ),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def summary(self, dataset: CosmicDataset) -> dict[str, int]:
        return {
            "patients": len(dataset.patients),
            "records": sum(len(p.records) for p in dataset.patients),
        }

    def patients(self, dataset: CosmicDataset) -> list[Patient]:
        return [Patient(p.id, p.label) for p in dataset.patients]
