"""The reminders mock's state: a reminder per key, numbered per patient in one transaction."""

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
    number = tx.count(f"reminder:{patient}") + 1
    document = {"id": f"{patient}-{number}", "patient": patient, "text": text}
    tx.insert(f"reminder:{patient}", f"{number:06d}", document)
    return document


class RemindersBackend:
    def __init__(self, store: MockStore, name: str) -> None:
        self.store, self.name = store, name

    def search(self, patient: str) -> list[dict[str, Any]]:
        return self.store.entities(self.name).list(f"reminder:{patient}")

    def create(self, patient: str, text: str) -> dict[str, Any]:
        with self.store.transaction(self.name) as tx:
            return add(tx, patient, text)
