"""Catalogue documents take JSON's own types: a flag is true or false and an age a whole number,
as the OpenAPI document says, so 0, "yes" or "5" is refused rather than read as one."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.domain.catalogue import CaseType

QUESTION = {"id": "message", "label": "Meddelande", "type": "text"}


@pytest.mark.parametrize(
    "change",
    [
        {"bookingRequest": 0},
        {"questions": [{**QUESTION, "required": "yes"}]},
        {"restrictions": {"listingRequired": 1}},
        {"restrictions": {"minAge": "5"}},
        {"restrictions": {"maxAge": 17.0}},
    ],
)
def test_a_flag_or_age_of_another_type_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CaseType.model_validate(
            {"id": "x-ray", "name": "Röntgen", "questions": [QUESTION], **change}
        )


def test_true_flags_and_whole_ages_are_taken() -> None:
    case_type = CaseType.model_validate(
        {
            "id": "x-ray",
            "name": "Röntgen",
            "questions": [{**QUESTION, "required": True}],
            "restrictions": {"minAge": 18, "listingRequired": True},
            "bookingRequest": True,
        }
    )
    assert case_type.booking_request and case_type.restrictions.min_age == 18
