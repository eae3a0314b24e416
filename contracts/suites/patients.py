"""The patient a check needs, whatever the target: on the built-in mocks the default dataset's
patient with a given label (read from the mock's `_admin/patients`); on a real producer the
identity number an environment variable names, because a settings file cannot carry test data.
A wrong number fails the run without repeating it."""

from __future__ import annotations

import os

import pytest
import requests

from contracts.suites.target import Target
from gateway.domain.identity import Identity, InvalidIdentityNumber, parse_identity


def patient_for(target: Target, mock: str, label: str, env: str) -> Identity | None:
    """None on a real producer when `env` is not set."""
    if target.builtin_mocks:
        response = requests.get(f"{target.admin_url(mock)}/patients", timeout=10)
        response.raise_for_status()
        by_label = {p["label"]: p["id"] for p in response.json()["patients"]}
        if label not in by_label:
            pytest.fail(f"the {mock} mock's default dataset has no patient labelled {label}")
        return parse_identity(by_label[label])
    number = os.environ.get(env, "").strip()
    if not number:
        return None
    try:
        return parse_identity(number)  # its messages never repeat the number
    except InvalidIdentityNumber as exc:
        pytest.fail(f"{env}: {exc}", pytrace=False)
