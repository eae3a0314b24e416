"""The reminders protocol: one handler per operation."""

from __future__ import annotations

from typing import Any

from mocks.kit.rest import RestCall, RestError
from tests.example_upstream.models import RemindersBackend


def patient(call: RestCall) -> str | None:
    found = call.query.get("patient") or []
    if found:
        return found[0]
    return call.body.get("patient") if isinstance(call.body, dict) else None


def search_reminders(call: RestCall) -> tuple[int, Any]:
    who = patient(call)
    if not who:
        raise RestError(400, "patient is required")
    backend: RemindersBackend = call.backend
    return 200, {"reminders": backend.search(who)}


def read_reminder(call: RestCall) -> tuple[int, Any]:
    if call.params["number"] == "boom":  # a handler with a bug, for the tests
        raise RuntimeError("a bug in the handler")
    backend: RemindersBackend = call.backend
    found = backend.read(call.params["number"])
    if found is None:
        raise RestError(404, f"no reminder {call.params['number']}")
    return 200, found


def create_reminder(call: RestCall) -> tuple[int, Any]:
    who, text = patient(call), (call.body or {}).get("text")
    if not who or not isinstance(text, str):
        raise RestError(400, "patient and text are required")
    backend: RemindersBackend = call.backend
    return 201, backend.create(who, text)
