"""A small REST upstream that lives only in the tests: reminders per patient, with mutable
state. It exercises the kit's REST adapter, the gateway's REST client and the store's entities
over real HTTP, built exactly as a real upstream is (see README, "Adding an upstream"), but it is
not in the registry, so the product never serves it."""

from pathlib import Path

from contracts.upstream import Interaction, Upstream

OPENAPI = Path(__file__).resolve().parent / "openapi.yaml"

UPSTREAM = Upstream(
    name="reminders",
    title="Reminders (an example REST upstream for the tests)",
    protocol="rest",
    interactions=(
        Interaction("SearchReminders", "Reminder"),
        Interaction("CreateReminder", "Reminder"),
        Interaction("ReadReminder", "Reminder/<number>"),
    ),
    client="tests.example_upstream.client:RemindersClient",
    mock="tests.example_upstream.mock:RemindersMock",
)
