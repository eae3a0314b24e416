"""The reminders mock over the kit's REST adapter."""

from __future__ import annotations

from datetime import date
from typing import Any

from mocks.kit.mock import Patient
from mocks.kit.rest import RestMock, RestOperation
from mocks.kit.store import Entities
from tests.example_upstream import OPENAPI, UPSTREAM
from tests.example_upstream.models import RemindersBackend, RemindersDataset, seed
from tests.example_upstream.responses import (
    create_reminder,
    patient,
    read_reminder,
    search_reminders,
)

PATIENT = "191212121212"


class RemindersMock(RestMock):
    upstream = UPSTREAM
    dataset_model = RemindersDataset
    openapi = OPENAPI
    operations = (
        RestOperation("SearchReminders", "GET", search_reminders, patient),
        RestOperation("CreateReminder", "POST", create_reminder, patient),
        RestOperation("ReadReminder", "GET", read_reminder, lambda call: None),
    )

    def default_dataset(self, today: date) -> dict[str, Any]:
        return {"reminders": [{"patient": PATIENT, "text": f"Vaccination after {today}"}]}

    def summary(self, dataset: RemindersDataset) -> dict[str, int]:
        return {"reminders": len(dataset.reminders)}

    def patients(self, dataset: RemindersDataset) -> list[Patient]:
        return [Patient(p, None) for p in sorted({r.patient for r in dataset.reminders})]

    def seed(self, tx: Entities, document: Any) -> None:
        seed(tx, document)

    def backend(self) -> RemindersBackend:
        self.dataset()  # seeds on first use
        return RemindersBackend(self.store, self.name)
