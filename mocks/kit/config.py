"""What every mock needs to know about where and when it runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from contracts.clock import today_in_stockholm


@dataclass(frozen=True)
class MockConfig:
    state_path: Path  # the SQLite file shared by every thread and process of the server
    today: date | None = None  # pinned 'today'; otherwise the date in Europe/Stockholm
    journal_size: int = 1000
    journal_body_bytes: int = 64 * 1024  # longer bodies are cut in the journal, never in replies
    # each mock's own settings by mock name (`mocks.options.<name>`), validated by that mock's
    # settings model (Mock.settings_model)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    max_request_bytes: int = 16 * 1024 * 1024  # larger requests are refused unread
    admin_token: str | None = None  # the admin API's bearer token; None: open

    def today_date(self) -> date:
        return today_in_stockholm(self.today)
