"""A hang shows in the mock's journal at once, as pending, while it holds the answer back, and
the entry is completed when it ends: a client that gave up can see what it waited for."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
import zeep
from lxml import etree

from contracts.cosmic import SOAP_ACTION
from tests.conftest import COSMIC_ENDPOINT, PNR_OID

HANG_MS = 6000  # the client gives up after 1 s: the journal is read well within the hang


def test_a_hang_is_journaled_at_once_and_completed_when_it_ends(
    base_url: str,
    mock_admin: Callable[..., requests.Response],
    cosmic_soap: zeep.Client,
    patients: dict[str, str],
) -> None:
    mock_admin("DELETE", "journal")
    created = mock_admin("POST", "faults", json={"type": "hang", "ms": HANG_MS, "times": 1}).json()
    message = cosmic_soap.create_message(
        cosmic_soap.service,
        "GetMedicationHistory",
        _soapheaders={"LogicalAddress": "SE2321000057-7P8R"},
        patientId={"id": patients["adult-rules"], "type": PNR_OID},
    )
    with pytest.raises(requests.Timeout):  # the client gives up
        requests.post(
            f"{base_url}{COSMIC_ENDPOINT}",
            data=etree.tostring(message),
            headers={"SOAPAction": f'"{SOAP_ACTION}"', "Content-Type": "text/xml; charset=utf-8"},
            timeout=1,
        )
    (entry,) = mock_admin("GET", "journal").json()["exchanges"]
    assert entry["response"] == {"status": None, "body": "", "pending": True}
    assert entry["shapedBy"] == {"kind": "fault", "id": created["id"], "type": "hang"}
    assert entry["operation"] == "GetMedicationHistory"
    deadline = time.monotonic() + HANG_MS / 1000 + 30
    while (entry := mock_admin("GET", "journal").json()["exchanges"][0])["response"]["pending"]:
        assert time.monotonic() < deadline, "the hang's entry was never completed"
        time.sleep(0.5)
    assert (
        entry["response"]["status"] == 500
        and len(mock_admin("GET", "journal").json()["exchanges"]) == 1
    )
