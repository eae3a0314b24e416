"""GetMedicationHistory's answer frame (the response element and its result) is validated once
per distinct result, with a log id of the shape every answer gets: a result the contract rejects
is still refused, never handed out."""

from __future__ import annotations

import pytest

from contracts.cosmic import RESPONDER_XSD
from mocks.cosmic.responses import _answer_frame
from mocks.kit.mock import InvalidMockResponse
from mocks.kit.soap import _schema


def test_a_result_the_contract_rejects_is_refused() -> None:
    with pytest.raises(InvalidMockResponse, match="resultCode"):
        _answer_frame(_schema(RESPONDER_XSD), "MAYBE", "", None)


def test_the_frame_holds_the_result_around_the_log_id() -> None:
    start, before, after = _answer_frame(_schema(RESPONDER_XSD), "INFO", "read this", None)
    assert start.startswith(b"<ns:GetMedicationHistoryResponse") and start.endswith(b">")
    assert before.endswith(b"<core:logId>") and after.startswith(b"</core:logId>")
    assert b"<core:resultCode>INFO</core:resultCode>" in before
    assert b"<core:message>read this</core:message>" in after
