"""The listing mock: the six carelisting v2 interactions over the kit's SOAP adapter, with the
state of every region's listing system in the kit's store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from contracts.listing import (
    CREATE_LISTING,
    GET_FACILITIES,
    GET_LISTING,
    GET_LISTING_COUNTY,
    GET_LISTING_TYPES,
    GET_PERSONNEL,
    UPSTREAM,
    Operation,
)
from mocks.kit.mock import Patient
from mocks.kit.soap import Call, SoapMock, SoapOperation
from mocks.kit.store import Entities
from mocks.listing.data import default_dataset
from mocks.listing.models import ListingBackend, ListingDataset, ListingMockSettings, seed
from mocks.listing.responses import (
    create_listing,
    get_available_healthcare_facilities,
    get_available_healthcare_personnel,
    get_listing,
    get_listing_county,
    get_listing_types,
    person_of,
)


def _operation(operation: Operation, handler: Callable[[Call], bytes]) -> SoapOperation:
    return SoapOperation(
        name=operation.name,
        element=operation.request,
        soap_action=operation.soap_action,
        wsdl=operation.wsdl,
        schema=operation.schema,
        handler=handler,
        patient=person_of,
    )


class ListingMock(SoapMock):
    upstream = UPSTREAM
    dataset_model = ListingDataset
    settings_model = ListingMockSettings
    operations = (
        _operation(GET_LISTING_COUNTY, get_listing_county),
        _operation(GET_LISTING, get_listing),
        _operation(GET_LISTING_TYPES, get_listing_types),
        _operation(GET_FACILITIES, get_available_healthcare_facilities),
        _operation(GET_PERSONNEL, get_available_healthcare_personnel),
        _operation(CREATE_LISTING, create_listing),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def summary(self, dataset: ListingDataset) -> dict[str, int]:
        return {"facilities": len(dataset.facilities), "citizens": len(dataset.citizens)}

    def patients(self, dataset: ListingDataset) -> list[Patient]:
        return [Patient(c.id, c.label) for c in dataset.citizens]

    def seed(self, tx: Entities, document: Any) -> None:
        seed(tx, document)

    def backend(self) -> ListingBackend:
        self.dataset()  # seeds on first use
        limit = self.settings.annual_change_limit  # type: ignore[attr-defined]
        return ListingBackend(self.store, self.name, limit)
