"""The eFrikort mock: GetCardForPerson and GetExtendedCard over the kit's SOAP adapter, with
visits registered through the admin API (`POST _admin/visits`)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field

from contracts.frikort import GET_CARD_FOR_PERSON, GET_EXTENDED_CARD, UPSTREAM, FrikortInteraction
from mocks.frikort import models
from mocks.frikort.data import default_dataset
from mocks.frikort.responses import get_card_for_person, get_extended_card
from mocks.kit import rules
from mocks.kit.mock import AdminRoute, Patient
from mocks.kit.soap import ResultFault as KitResultFault
from mocks.kit.soap import SoapFaultFault, SoapMock, SoapOperation
from mocks.kit.store import Entities


class ResultFault(KitResultFault):
    """A business outcome instead of a technical one, with eFrikort's result codes: INFO adds
    `message` to a normal answer; the others replace it."""

    resultCode: Literal["INFO", "ERROR", "VALIDATION_ERROR", "ACCESSDENIED"]  # type: ignore[assignment]


class RegisteredVisit(BaseModel):
    """The visit as stored, and the card it counts on after it."""

    model_config = ConfigDict(extra="forbid")
    number: str = Field(description="the visit's number in the mock")
    patient: str
    date: str
    fee: int
    registered: str = Field(description="the day it was registered (today)")
    cardSystemId: str | None = Field(description="the card it counts on")


def _person(payload: etree._Element) -> str | None:
    return payload.findtext(f"{{{GET_CARD_FOR_PERSON.responder_ns}}}PersonId")


def _operation(interaction: FrikortInteraction, handler: Any, patient: Any) -> SoapOperation:
    return SoapOperation(
        name=interaction.name,
        element=interaction.request,
        soap_action=interaction.soap_action,
        wsdl=interaction.wsdl,
        schema=interaction.schema,
        handler=handler,
        patient=patient,
    )


class FrikortMock(SoapMock):
    upstream = UPSTREAM
    dataset_model = models.FrikortDataset
    fault_types = (*rules.COMMON_FAULTS, SoapFaultFault, ResultFault)
    operations = (
        _operation(GET_CARD_FOR_PERSON, get_card_for_person, _person),
        _operation(GET_EXTENDED_CARD, get_extended_card, lambda payload: None),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def summary(self, dataset: models.FrikortDataset) -> dict[str, int]:
        return {"patients": len(dataset.patients), "visits": len(dataset.visits)}

    def patients(self, dataset: models.FrikortDataset) -> list[Patient]:
        return [Patient(p.id, p.label) for p in dataset.patients]

    def seed(self, tx: Entities, document: Any) -> None:
        models.seed(tx, document, self.config.today_date())

    def backend(self) -> models.FrikortBackend:
        return models.FrikortBackend(self.store, self.name, self.dataset())

    def admin_routes(self) -> tuple[AdminRoute, ...]:
        return (
            AdminRoute(
                path="visits",
                method="POST",
                summary="Register a visit with a fee: the patient's card follows",
                handler=self._register,
                response=RegisteredVisit,
                body=models.Visit,
            ),
        )

    def _register(self, visit: models.Visit) -> tuple[int, Any]:
        stored = self.backend().register(visit, self.config.today_date())
        registered = RegisteredVisit(
            **{name: stored[name] for name in RegisteredVisit.model_fields}
        )
        return 201, registered.model_dump(mode="json")
