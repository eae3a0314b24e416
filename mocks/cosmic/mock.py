"""The Cosmic mock: GetMedicationHistory v2 and web booking (crm:scheduling 1.1) over the kit's
SOAP adapter. Medication history answers from the dataset; web booking works on entities in the
shared store (scheduling_models.py), seeded from the dataset's `scheduling` part."""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from contracts.cosmic import CORE_NS, OPERATION, RESPONDER_NS, RESPONDER_XSD, SOAP_ACTION, UPSTREAM
from contracts.cosmic import WSDL as MEDICATION_HISTORY_WSDL
from contracts.cosmic.scheduling import SCHEDULING
from mocks.cosmic.data import default_dataset
from mocks.cosmic.models import CosmicDataset
from mocks.cosmic.responses import get_medication_history
from mocks.cosmic.scheduling_data import scheduling_dataset
from mocks.cosmic.scheduling_models import SchedulingBackend, seed
from mocks.cosmic.scheduling_responses import HANDLERS
from mocks.kit.mock import Patient
from mocks.kit.soap import SoapMock, SoapOperation
from mocks.kit.store import Entities


def _patient(payload: etree._Element) -> str | None:
    """patientId/id's text, as findtext gives it, without its path search (ElementPath)."""
    found = next(payload.iterchildren(f"{{{RESPONDER_NS}}}patientId"), None)
    element = None if found is None else next(found.iterchildren(f"{{{CORE_NS}}}id"), None)
    return None if element is None else element.text or ""


def _scheduling_backend(mock: CosmicMock) -> SchedulingBackend:
    return SchedulingBackend(mock.store, mock.name, mock.dataset().scheduling)


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
        *(
            SoapOperation(
                name=interaction.operation,
                element=interaction.element,
                soap_action=interaction.soap_action,
                wsdl=interaction.wsdl,
                schema=interaction.schema,
                handler=HANDLERS[interaction.operation][0],
                patient=HANDLERS[interaction.operation][1],
                backend=_scheduling_backend,
            )
            for interaction in SCHEDULING
        ),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return {**default_dataset(today), "scheduling": scheduling_dataset(today)}

    def seed(self, tx: Entities, document: Any) -> None:
        seed(tx, document.get("scheduling"))

    def summary(self, dataset: CosmicDataset) -> dict[str, int]:
        return {
            "patients": len(dataset.patients),
            "records": sum(len(p.records) for p in dataset.patients),
        }

    def patients(self, dataset: CosmicDataset) -> list[Patient]:
        """Everyone the medication records or the bookings are for, each once."""
        found = {p.id: Patient(p.id, p.label) for p in dataset.scheduling.patients}
        found.update({p.id: Patient(p.id, p.label) for p in dataset.patients})
        return list(found.values())
