"""The mock journal masks a body from remembered pieces: the same patient's answer, asked for
again, is journaled complete and masked each time, with what changed (the log id) as sent."""

from __future__ import annotations

from collections.abc import Callable

import requests

from contracts.privacy import mask_text
from tests.conftest import PNR_OID

Admin = Callable[..., requests.Response]


def test_repeated_answers_are_journaled_whole_and_masked(
    mock_admin: Admin, cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    mock_admin("DELETE", "journal")
    patient = patients["adult-rules"]
    sent = [cosmic_call(patientId={"id": patient, "type": PNR_OID}) for _ in range(3)]
    exchanges = mock_admin("GET", "journal").json()["exchanges"]
    bodies = [e["response"]["body"] for e in exchanges]
    assert bodies == [mask_text(r.content.decode()) for r in sent]
    assert len(set(bodies)) == 3  # each answer has its own log id
    assert all(patient not in b and patient[:8] + "****" in b for b in bodies)
