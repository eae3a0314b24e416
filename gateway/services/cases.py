"""Cases ("ärenden") citizens send to a unit, and staff replies. A case's answers are health
data: nothing here logs them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update

from gateway.domain.age import Caller
from gateway.domain.catalogue import QuestionType, answer_errors
from gateway.domain.ordinations import Ordination
from gateway.domain.units import Unit
from gateway.errors import ApiError
from gateway.services.catalogue import Catalogue, StandardReply
from gateway.services.eligibility import Eligibility
from gateway.services.renew_prescription import RenewPrescription
from gateway.store.tables import case_replies, cases

STATUSES = ("sent", "answered", "closed")


class InvalidAnswers(ApiError):
    status, code, title = 422, "INVALID_ANSWERS", "The answers do not fit the e-service"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in sorted(errors.items())), errors=errors)
        self.errors = errors


class CaseNotFound(ApiError):
    status, code, title = 404, "CASE_NOT_FOUND", "No such case"


class CaseClosed(ApiError):
    status, code, title = 409, "CASE_CLOSED", "The case is closed"


@dataclass(frozen=True)
class Reply:
    id: int
    text: str
    author: str
    standard_reply: str | None
    created_at: datetime


@dataclass(frozen=True)
class Case:
    id: str
    type: str
    unit: str
    status: str
    created_at: datetime
    answers: dict[str, Any]
    patient: str  # the identity number of whom the case is about (the child, for a proxy)
    replies: list[Reply] = field(default_factory=list)


class Cases:
    def __init__(
        self,
        engine: Engine,
        catalogue: Catalogue,
        renew_prescription: RenewPrescription,
        eligibility: Eligibility,
        today: Callable[[], date],
    ) -> None:
        self.engine, self.catalogue = engine, catalogue
        self.renew_prescription, self.eligibility, self.today = (
            renew_prescription,
            eligibility,
            today,
        )

    # citizens

    def send(self, caller: Caller, unit: Unit, type_id: str, answers: Any) -> Case:
        case_type = self.catalogue.offered_type(unit, type_id)
        self.eligibility.check(caller, unit, case_type, answers)
        if not isinstance(answers, dict):
            raise InvalidAnswers({"answers": "an object with one field per question"})
        errors = answer_errors(case_type, answers)
        if errors:
            raise InvalidAnswers(errors)
        stored = dict(answers)
        for question in case_type.questions:
            if question.type == QuestionType.DRUGS and question.id in answers:
                stored[question.id] = self._drugs(caller, unit, question.id, answers[question.id])
        case = Case(
            id=str(uuid.uuid4()),
            type=case_type.id,
            unit=unit.hsa_id,
            status="sent",
            created_at=datetime.now(UTC).replace(microsecond=0),
            answers=stored,
            patient=caller.patient.number,
        )
        with self.engine.begin() as connection:
            connection.execute(
                insert(cases).values(
                    id=case.id,
                    unit=case.unit,
                    type=case.type,
                    patient=case.patient,
                    sender=caller.subject.number,
                    status=case.status,
                    created_at=case.created_at,
                    answers=case.answers,
                )
            )
        return case

    def inbox(self, caller: Caller) -> list[Case]:
        return self._find(cases.c.patient == caller.patient.number)

    def citizen_case(self, caller: Caller, case_id: str) -> Case:
        return self._one(and_(cases.c.id == case_id, cases.c.patient == caller.patient.number))

    # staff

    def unit_cases(self, unit: Unit, status: str | None = None) -> list[Case]:
        where = cases.c.unit == unit.hsa_id
        return self._find(and_(where, cases.c.status == status) if status else where)

    def unit_case(self, unit: Unit, case_id: str) -> Case:
        return self._one(and_(cases.c.id == case_id, cases.c.unit == unit.hsa_id))

    def reply(
        self, unit: Unit, case_id: str, author: str, text: str, standard: StandardReply | None
    ) -> Case:
        with self.engine.begin() as connection:
            status = self._status_for_update(connection, unit, case_id)
            if status == "closed":
                raise CaseClosed("a closed case takes no more replies")
            connection.execute(
                insert(case_replies).values(
                    case_id=case_id,
                    author=author,
                    text=text,
                    standard_reply=standard.id if standard else None,
                    created_at=datetime.now(UTC).replace(microsecond=0),
                )
            )
            connection.execute(update(cases).where(cases.c.id == case_id).values(status="answered"))
        return self.unit_case(unit, case_id)

    def close(self, unit: Unit, case_id: str) -> Case:
        with self.engine.begin() as connection:
            self._status_for_update(connection, unit, case_id)
            connection.execute(update(cases).where(cases.c.id == case_id).values(status="closed"))
        return self.unit_case(unit, case_id)

    # the parts

    def _drugs(
        self, caller: Caller, unit: Unit, field_name: str, drugs: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Every drug in the one shape staff see. A picked drug must be on the citizen's list,
        by the list's own rules, and gets name, strength and form from it; its dosage
        instruction and prescriber stay empty, as for every picked drug."""
        picked = [d["ordinationId"] for d in drugs if "ordinationId" in d]
        listed: dict[str, Ordination] = {}
        if picked:
            found = self.renew_prescription.ordinations(caller, unit)
            if not found.list_available:
                raise InvalidAnswers(
                    {field_name: "drugs can only be entered by hand here (no list to pick from)"}
                )
            listed = {o.id: o for o in found.ordinations}
        for number, drug in enumerate(drugs, 1):
            if "ordinationId" in drug and drug["ordinationId"] not in listed:
                raise InvalidAnswers(
                    {field_name: f"drug {number}: not an ordination on your list at this unit"}
                )
        shaped = []
        for drug in drugs:
            if "ordinationId" in drug:
                o = listed[drug["ordinationId"]]
                shaped.append(_drug(o.name, o.strength, o.form, None, None))
            else:
                shaped.append(
                    _drug(
                        drug["name"].strip(),
                        drug["strength"].strip(),
                        drug["form"].strip(),
                        drug.get("dosageInstruction"),
                        drug.get("prescriber"),
                    )
                )
        return shaped

    def _find(self, where: Any) -> list[Case]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(cases).where(where).order_by(cases.c.created_at.desc(), cases.c.id)
            ).all()
            replies = self._replies(connection, [r.id for r in rows])
        return [_case(r, replies.get(r.id, [])) for r in rows]

    def _one(self, where: Any) -> Case:
        found = self._find(where)
        if not found:
            raise CaseNotFound("no such case")
        return found[0]

    @staticmethod
    def _replies(connection: Any, ids: list[str]) -> dict[str, list[Reply]]:
        grouped: dict[str, list[Reply]] = {}
        if not ids:
            return grouped
        rows = connection.execute(
            select(case_replies).where(case_replies.c.case_id.in_(ids)).order_by(case_replies.c.id)
        ).all()
        for r in rows:
            grouped.setdefault(r.case_id, []).append(
                Reply(r.id, r.text, r.author, r.standard_reply, _utc(r.created_at))
            )
        return grouped

    @staticmethod
    def _status_for_update(connection: Any, unit: Unit, case_id: str) -> str:
        status = connection.execute(
            select(cases.c.status)
            .where(and_(cases.c.id == case_id, cases.c.unit == unit.hsa_id))
            .with_for_update()
        ).scalar()
        if status is None:
            raise CaseNotFound("no such case at this unit")
        return str(status)


def _drug(
    name: str | None,
    strength: str | None,
    form: str | None,
    dosage: str | None,
    prescriber: str | None,
) -> dict[str, Any]:
    return {
        "name": name,
        "strength": strength,
        "form": form,
        "dosageInstruction": dosage,
        "prescriber": prescriber,
    }


def _utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _case(row: Any, replies: list[Reply]) -> Case:
    return Case(
        id=row.id,
        type=row.type,
        unit=row.unit,
        status=row.status,
        created_at=_utc(row.created_at),
        answers=row.answers,
        patient=row.patient,
        replies=replies,
    )
