"""The SOAP answer check remembers its verdict per distinct answer: an answer that drifts is
reported every time, whatever came before it; only RIV-TA's log id, a text the schema leaves
free, is set aside when telling answers apart; the memory stays bounded."""

from __future__ import annotations

from contracts.cosmic import CORE_NS, RESPONDER_NS
from contracts.riv import read_envelope
from gateway.upstreams.cosmic import CONTRACT
from gateway.upstreams.free_text import free_text_names, kept_parts
from gateway.upstreams.soap import _AnswerReader

ANSWER = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    f'<r:GetMedicationHistoryResponse xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}">'
    "<r:result><c:resultCode>{code}</c:resultCode><c:logId>{log}</c:logId></r:result>"
    "</r:GetMedicationHistoryResponse></s:Body></s:Envelope>"
)


def check(reader: _AnswerReader, code: str = "OK", log: str = "1") -> list[str]:
    answer = ANSWER.format(code=code, log=log).encode()
    return reader.drift(read_envelope(answer).payload, answer)


def test_a_drifting_answer_after_a_clean_one_of_the_same_shape_is_reported() -> None:
    reader = _AnswerReader.for_contract(CONTRACT)
    assert check(reader, "OK", log="1") == []
    assert check(reader, "OK", log="2") == []  # the same answer with another log id
    assert "MAYBE" in " ".join(check(reader, "MAYBE", log="3"))  # an unknown enumeration value
    assert check(reader, "MAYBE", log="4") != []  # remembered: still reported
    assert check(reader, "OK", log="5") == []  # and a clean answer after it is clean


def test_the_verdicts_remembered_are_bounded() -> None:
    class Small(_AnswerReader):
        REMEMBERED = 10  # findings plus one per answer: a bound soon reached

    reader = Small.for_contract(CONTRACT)
    for n in range(50):
        assert check(reader, f"X{n}") != []
    assert 0 < reader._verdicts.currsize <= 10


def test_only_texts_no_schema_rule_constrains_are_free() -> None:
    free = free_text_names(CONTRACT.schema)
    assert {"logId", "displayName", "message"} <= free
    assert not {"resultCode", "authorTime", "strength", "approvedForPatient"} & free


def test_texts_are_set_aside_only_in_the_named_start_tags() -> None:
    kept = b"<x:logId n='1'>3</x:logId>logId>4<xlogId>5</xlogId></a>"
    answer = b"<a><logId>1</logId><c:logId>2</c:logId>" + kept
    assert b"".join(kept_parts(answer, frozenset({"logId"}))) == (
        b"<a><logId></logId><c:logId></c:logId>" + kept
    )


def test_answers_that_differ_only_in_their_log_id_are_checked_once() -> None:
    reader = _AnswerReader.for_contract(CONTRACT)
    checked = []

    def counted(payload: object) -> list[str]:
        checked.append(payload)
        return []

    reader._check = counted  # type: ignore[method-assign]
    for log in ("1", "2", "3"):
        assert check(reader, "OK", log=log) == []
    assert check(reader, "INFO", log="4") == []
    assert len(checked) == 2
