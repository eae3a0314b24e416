"""The reminders mock's state: numbered reminders, as entities in the kit's store."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from mocks.kit.store import Entities, MockStore


class Reminder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    patient: str
    text: str


class RemindersDataset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reminders: list[Reminder] = []


def seed(tx: Entities, document: Any) -> None:
    for reminder in RemindersDataset.model_validate(document).reminders:
        add(tx, reminder.patient, reminder.text)


def add(tx: Entities, patient: str, text: str) -> dict[str, Any]:
    """Numbered in one transaction: two workers adding at once never get the same number."""
    number = f"{tx.count('reminder') + 1:06d}"
    document = {"id": number, "patient": patient, "text": text}
    tx.insert("reminder", number, document)
    return document


class RemindersBackend:
    def __init__(self, store: MockStore, name: str) -> None:
        self.store, self.name = store, name

    def search(self, patient: str) -> list[dict[str, Any]]:
        return self.store.entities(self.name).list("reminder", lambda r: r["patient"] == patient)

    def read(self, number: str) -> dict[str, Any] | None:
        return self.store.entities(self.name).get("reminder", number)

    def create(self, patient: str, text: str) -> dict[str, Any]:
        with self.store.transaction(self.name) as tx:
            return add(tx, patient, text)
