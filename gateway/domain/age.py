"""Who may see the renew-prescription list: age 16 and over, never a guardian acting as proxy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from gateway.domain.identity import Identity

LIST_MIN_AGE = 16
PROXY_MAX_CHILD_AGE = 12  # a guardian may act for a child aged 0-12; from the 13th birthday, never


def age_on(birth: date, today: date) -> int:
    """Completed years. Someone born on 29 February completes a year on 1 March in common years."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class ListReason(Enum):
    UNDER_16 = "UNDER_16"
    PROXY = "PROXY"


class ProxyNotAllowed(Exception):
    """A guardian tried to act for a child who is 13 or older."""


@dataclass(frozen=True)
class Caller:
    """The authenticated citizen, and the child they represent when acting as proxy."""

    subject: Identity
    acting_for: Identity | None = None

    @property
    def patient(self) -> Identity:
        return self.acting_for or self.subject


def check_proxy(caller: Caller, today: date) -> None:
    """Raises ProxyNotAllowed when a guardian acts for a child who is 13 or older."""
    child = caller.acting_for
    if child is not None and age_on(child.birth_date, today) > PROXY_MAX_CHILD_AGE:
        raise ProxyNotAllowed


def list_refusal(caller: Caller, today: date) -> ListReason | None:
    """None when the list may be shown; otherwise why not. Raises ProxyNotAllowed for a proxy
    whose child is 13 or older."""
    check_proxy(caller, today)
    if caller.acting_for is not None:
        return ListReason.PROXY
    if age_on(caller.subject.birth_date, today) < LIST_MIN_AGE:
        return ListReason.UNDER_16
    return None
