"""The gateway-side client of the reminders upstream, on the REST client base."""

from __future__ import annotations

from gateway.domain.identity import Identity
from gateway.upstreams.http import UpstreamContext
from gateway.upstreams.rest import RestClient
from gateway.upstreams.settings import UpstreamSettings
from tests.example_upstream import UPSTREAM


class RemindersClient(RestClient):
    def __init__(self, settings: UpstreamSettings, context: UpstreamContext) -> None:
        super().__init__(UPSTREAM, settings, context)

    def reminders(self, patient: Identity) -> list[str]:
        found = self.request("SearchReminders", query={"patient": patient.number})
        return [r["text"] for r in found["reminders"]]

    def remind(self, patient: Identity, text: str) -> str:
        created = self.request(
            "CreateReminder", "POST", body={"patient": patient.number, "text": text}
        )
        return str(created["id"])

    def reminder(self, number: str) -> str:
        return str(self.request("ReadReminder", number=number)["text"])
