"""A throw-away REST upstream: reminders per patient (to prove that an upstream is its own
folders plus one registry line)."""

from contracts import CONTRACTS_DIR
from contracts.upstream import Interaction, Upstream

OPENAPI = CONTRACTS_DIR / "reminders" / "openapi.yaml"

UPSTREAM = Upstream(
    name="reminders",
    title="Reminders (an example REST upstream)",
    protocol="rest",
    interactions=(
        Interaction("SearchReminders", "Reminder"),
        Interaction("CreateReminder", "Reminder"),
    ),
    client="gateway.upstreams.reminders:RemindersClient",
    mock="mocks.reminders.mock:RemindersMock",
    suite="reminders",
)
