"""The population register mock: LookupResidentForFullProfile over the kit's SOAP adapter.

The contract has no result code, so the kit's `result` fault does not apply here: trouble is a
SOAP fault or one of the common transport faults."""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from contracts.population import OPERATION, RESPONDER_NS, RESPONDER_XSD, SOAP_ACTION, UPSTREAM
from contracts.population import WSDL as LOOKUP_WSDL
from mocks.kit import rules
from mocks.kit.mock import Patient
from mocks.kit.soap import SoapFaultFault, SoapMock, SoapOperation
from mocks.population.data import default_dataset
from mocks.population.models import PopulationDataset
from mocks.population.responses import lookup_resident_for_full_profile


def _first_person(payload: etree._Element) -> str | None:
    """Stubs and faults match on the first person asked about (the caller, from the gateway)."""
    return payload.findtext(f"{{{RESPONDER_NS}}}personId")


class PopulationMock(SoapMock):
    upstream = UPSTREAM
    dataset_model = PopulationDataset
    fault_types = (*rules.COMMON_FAULTS, SoapFaultFault)
    operations = (
        SoapOperation(
            name=OPERATION,
            element=f"{{{RESPONDER_NS}}}LookupResidentForFullProfile",
            soap_action=SOAP_ACTION,
            wsdl=LOOKUP_WSDL,
            schema=RESPONDER_XSD,
            handler=lookup_resident_for_full_profile,
            patient=_first_person,
        ),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def summary(self, dataset: PopulationDataset) -> dict[str, int]:
        return {
            "residents": len(dataset.residents),
            "custody": len(dataset.custody),
            "parents": len(dataset.parents),
        }

    def patients(self, dataset: PopulationDataset) -> list[Patient]:
        return [Patient(r.id, r.label) for r in dataset.residents]
