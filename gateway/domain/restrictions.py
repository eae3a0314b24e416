"""Who may use an offering: its restrictions (eservicesupply:eoffering's model) applied to the
patient, the citizen or, for a guardian acting as proxy, the child.

Pure rules. What depends on an upstream (the patient's listing, their registered county) comes
in as a function that is called only when a restriction needs it, so an offering without a
listing restriction never asks the listing service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from gateway.domain.age import age_on
from gateway.domain.catalogue import CaseType, Question, QuestionType, Restrictions

REFERRAL_QUESTION = Question(
    id="referral",
    label="Remiss",
    type=QuestionType.TEXT,
    required=True,
    help="Remissens nummer, eller vem som remitterade dig och när",
)


class Restriction(StrEnum):
    """Why a patient may not use an offering; the API's `restriction` codes."""

    MIN_AGE = "MIN_AGE"
    MAX_AGE = "MAX_AGE"
    AREA = "AREA"
    LISTING_REQUIRED = "LISTING_REQUIRED"
    REFERRAL_REQUIRED = "REFERRAL_REQUIRED"


@dataclass(frozen=True)
class Patient:
    """What the restrictions are checked against. `listed_at(unit)` and `county()` ask an
    upstream; `county()` is None when the register has no address to give."""

    birth_date: date
    listed_at: Callable[[str], bool]
    county: Callable[[], str | None]


def with_referral_question(case_type: CaseType) -> CaseType:
    """An offering that needs a referral asks for it: the `referral` question comes last."""
    if not case_type.restrictions.referral_required:
        return case_type
    if any(q.id == REFERRAL_QUESTION.id for q in case_type.questions):
        return case_type
    return case_type.model_copy(update={"questions": (*case_type.questions, REFERRAL_QUESTION)})


def eligibility_refusals(
    given: Restrictions, patient: Patient, unit: str, today: date
) -> list[Restriction]:
    """What keeps the patient from the offering before they answer anything (age, area,
    listing); empty when they may use it. The cheap rules first, the upstreams last."""
    refusals = []
    age = age_on(patient.birth_date, today)
    if given.min_age is not None and age < given.min_age:
        refusals.append(Restriction.MIN_AGE)
    if given.max_age is not None and age > given.max_age:
        refusals.append(Restriction.MAX_AGE)
    if given.area and patient.county() not in given.area:
        refusals.append(Restriction.AREA)
    if given.listing_required and not patient.listed_at(unit):
        refusals.append(Restriction.LISTING_REQUIRED)
    return refusals


def referral_missing(given: Restrictions, answers: dict[str, object]) -> bool:
    """A case for an offering that needs a referral must name it (the `referral` answer)."""
    if not given.referral_required:
        return False
    referral = answers.get(REFERRAL_QUESTION.id)
    return not (isinstance(referral, str) and referral.strip())
