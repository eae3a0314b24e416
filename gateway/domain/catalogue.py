"""The e-service catalogue: case types ("ärendetyper") with their questions, each unit's offering
of them, and answers checked against the questions. Pure rules; no Flask, no database."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

CASE_TYPE_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"
BOOKING_TYPES = frozenset({"book-appointment", "cancel-or-rebook-appointment"})


class QuestionType(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    DRUGS = "drugs"  # renew prescription: picked from the list or entered by hand


class OfferingState(StrEnum):
    """A central type at one unit; only the central administrator changes it."""

    ACTIVE = "active"
    PAUSED = "paused"
    REMOVED = "removed"


class Document(BaseModel):
    """Catalogue documents: unknown fields are typos, and typos are errors; a flag is true or
    false and a number a whole number, never 0, "yes" or "5" taken for one."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Question(Document):
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]{0,63}$")
    label: str = Field(min_length=1, max_length=500)
    type: QuestionType
    required: StrictBool = False
    help: str | None = Field(None, max_length=2000)
    options: tuple[str, ...] | None = Field(None, min_length=1)
    # a choice whose options are the unit's own list, filled in where the type is offered
    options_from: Literal["certificates"] | None = Field(None, alias="optionsFrom")
    required_when: dict[str, str] | None = Field(None, alias="requiredWhen", max_length=1)

    @model_validator(mode="after")
    def _options_for_choices(self) -> Question:
        given = (self.options is not None) + (self.options_from is not None)
        if given != (self.type == QuestionType.CHOICE):
            raise ValueError(
                "options (or optionsFrom) are given for, and only for, a choice question"
            )
        return self


class Restrictions(Document):
    """Who may use an offering; the restriction model of eservicesupply:eoffering."""

    min_age: StrictInt | None = Field(None, alias="minAge", ge=0, le=150)
    max_age: StrictInt | None = Field(None, alias="maxAge", ge=0, le=150)
    listing_required: StrictBool = Field(False, alias="listingRequired")
    referral_required: StrictBool = Field(False, alias="referralRequired")
    area: tuple[Annotated[str, Field(pattern=r"^[0-9]{2}$")], ...] = Field(
        (), description="County codes (län) where the patient must be registered"
    )

    @model_validator(mode="after")
    def _ages_in_order(self) -> Restrictions:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("minAge is at most maxAge")
        return self


class CaseType(Document):
    """A central type (`kind` central, owned by the region) or one unit's local type."""

    id: str = Field(pattern=CASE_TYPE_ID)
    kind: Literal["central", "local"] = "local"
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    terms_text: str = Field("", alias="termsText", max_length=8000)
    questions: tuple[Question, ...] = Field(min_length=1, max_length=50)
    restrictions: Restrictions = Restrictions()
    booking_request: StrictBool = Field(False, alias="bookingRequest")

    @model_validator(mode="after")
    def _questions_are_consistent(self) -> CaseType:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("question ids must be unique")
        for question in self.questions:
            for other, value in (question.required_when or {}).items():
                target = next((q for q in self.questions if q.id == other), None)
                if target is None or target.options is None or value not in target.options:
                    raise ValueError(f"{question.id}: requiredWhen names no choice of {other}")
        return self


def with_unit_lists(case_type: CaseType, lists: dict[str, tuple[str, ...]]) -> CaseType | None:
    """The type with each `optionsFrom` question's options taken from the unit's list of that
    name; None when a list it needs is empty (a unit that issues no certificates takes no
    requests for one)."""
    questions = []
    for question in case_type.questions:
        if question.options_from is not None:
            options = lists.get(question.options_from, ())
            if not options:
                return None
            question = question.model_copy(update={"options": options, "options_from": None})
        questions.append(question)
    return case_type.model_copy(update={"questions": tuple(questions)})


def offered(case_type: CaseType, state: OfferingState, unit_has_web_booking: bool) -> bool:
    """Whether citizens can use a type at a unit: active there and, for booking and
    rebooking by request, only where the unit has no web booking of its own."""
    if state != OfferingState.ACTIVE:
        return False
    return not (case_type.booking_request and unit_has_web_booking)


HAND_ENTERED_DRUG = ("name", "strength", "form", "dosageInstruction", "prescriber")


def answer_errors(case_type: CaseType, answers: dict[str, Any]) -> dict[str, str]:
    """Each field that is wrong, with why. `drugs` is checked for shape only: whether a picked
    ordination is on the citizen's list is for the renew-prescription service to say."""
    errors: dict[str, str] = {}
    known = {q.id for q in case_type.questions}
    for unknown in sorted(set(answers) - known):
        errors[unknown] = "not a question of this e-service"
    for question in case_type.questions:
        value = answers.get(question.id)
        if value is None or value == "" or value == []:
            if _required(question, answers):
                errors[question.id] = "required"
            continue
        problem = _check(question, value)
        if problem:
            errors[question.id] = problem
    return errors


def _required(question: Question, answers: dict[str, Any]) -> bool:
    if question.required_when:
        return all(answers.get(k) == v for k, v in question.required_when.items())
    return question.required


def _check(question: Question, value: Any) -> str | None:
    match question.type:
        case QuestionType.TEXT | QuestionType.LONGTEXT:
            limit = 200 if question.type == QuestionType.TEXT else 4000
            if not isinstance(value, str) or len(value) > limit:
                return f"a text of at most {limit} characters"
        case QuestionType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
                return "a whole number from 0 to 10000"
        case QuestionType.BOOLEAN:
            if not isinstance(value, bool):
                return "true or false"
        case QuestionType.DATE:
            try:
                date.fromisoformat(value)
            except (TypeError, ValueError):
                return "a date, YYYY-MM-DD"
        case QuestionType.CHOICE:
            if value not in (question.options or ()):
                return "one of: " + ", ".join(question.options or ())
        case QuestionType.DRUGS:
            return _drugs_shape(value)
    return None


def _drugs_shape(value: Any) -> str | None:
    if not isinstance(value, list) or not 1 <= len(value) <= 20:
        return "a list of 1 to 20 drugs"
    for i, drug in enumerate(value):
        if not isinstance(drug, dict):
            return f"drug {i + 1}: an object"
        if "ordinationId" in drug:
            if set(drug) != {"ordinationId"} or not isinstance(drug["ordinationId"], str):
                return f"drug {i + 1}: a picked drug is {{ordinationId}} alone"
            continue
        unknown = set(drug) - set(HAND_ENTERED_DRUG)
        if unknown:
            return f"drug {i + 1}: unknown fields {sorted(unknown)}"
        for name in HAND_ENTERED_DRUG:
            text = drug.get(name)
            needed = name in ("name", "strength", "form")
            if (needed and not (isinstance(text, str) and text.strip())) or (
                text is not None and (not isinstance(text, str) or len(text) > 200)
            ):
                return f"drug {i + 1}: {name} " + ("is required" if needed else "is a short text")
    return None
