"""The reminders mock over the kit's REST adapter."""

from __future__ import annotations

from datetime import date
from typing import Any

from contracts.reminders import OPENAPI, UPSTREAM
from mocks.kit.mock import Patient
from mocks.kit.rest import RestMock, RestOperation
from mocks.kit.store import Entities
from mocks.reminders.data import default_dataset
from mocks.reminders.models import RemindersBackend, RemindersDataset, seed
from mocks.reminders.responses import create_reminder, patient, search_reminders


class RemindersMock(RestMock):
    upstream = UPSTREAM
    dataset_model = RemindersDataset
    openapi = OPENAPI
    operations = (
        RestOperation("SearchReminders", "GET", search_reminders, patient),
        RestOperation("CreateReminder", "POST", create_reminder, patient),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return default_dataset(today)

    def summary(self, dataset: RemindersDataset) -> dict[str, int]:
        return {"reminders": len(dataset.reminders)}

    def patients(self, dataset: RemindersDataset) -> list[Patient]:
        return [Patient(p, None) for p in sorted({r.patient for r in dataset.reminders})]

    def seed(self, tx: Entities, document: Any) -> None:
        seed(tx, document)

    def backend(self) -> RemindersBackend:
        self.dataset()  # seeds on first use
        return RemindersBackend(self.store, self.name)
