"""Fixtures of the cases and catalogue tests: calls as a citizen and as staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from gateway.auth import mint_staff_token
from tests.conftest import SECRET, TENHULT

BRA_LIV = "SE2321000057-5RB2"  # no web booking
NURSE = "SE2321000057-1001"


def staff_token(role: str = "staff", unit: str = TENHULT, person: str = NURSE) -> str:
    return mint_staff_token(SECRET, person, [unit], [role])


@pytest.fixture
def citizen(
    base_url: str, http: requests.Session, token: Callable[..., str], patients: dict[str, str]
) -> Callable[..., requests.Response]:
    """Call the API as a citizen (the 'adult-rules' patient unless `subject` is given)."""

    def call(method: str, path: str, subject: str | None = None, **kwargs: Any):
        headers = kwargs.pop("headers", {})
        bearer = token(subject or patients["adult-rules"], kwargs.pop("act_for", None))
        headers["Authorization"] = f"Bearer {bearer}"
        return http.request(method, base_url + path, headers=headers, timeout=60, **kwargs)

    return call


@pytest.fixture
def staff(base_url: str, http: requests.Session) -> Callable[..., requests.Response]:
    def call(method: str, path: str, bearer: str | None = None, **kwargs: Any):
        headers = {"Authorization": f"Bearer {bearer or staff_token()}"}
        return http.request(method, base_url + path, headers=headers, timeout=60, **kwargs)

    return call


def send(citizen, unit: str, case_type: str, answers: Any, **kwargs: Any) -> requests.Response:
    body = {"type": case_type, "answers": answers}
    return citizen("POST", f"/v1/units/{unit}/cases", json=body, **kwargs)
