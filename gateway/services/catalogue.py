"""The e-service catalogue kept in the gateway's database: which case types a unit offers, the
central administrator's changes (wording, activation per unit) and each unit's own local types
and standard replies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, update

from gateway.domain.catalogue import CaseType, OfferingState, offered, with_unit_lists
from gateway.domain.restrictions import with_referral_question
from gateway.domain.units import EService, Unit
from gateway.errors import ApiError, ServiceNotOffered
from gateway.store.seed import as_document
from gateway.store.tables import (
    CENTRAL,
    case_types,
    offerings,
    standard_replies,
    unit_certificates,
)


class CaseTypeNotFound(ApiError):
    status, code, title = 404, "CASE_TYPE_NOT_FOUND", "No such case type"


class StandardReplyNotFound(ApiError):
    status, code, title = 404, "STANDARD_REPLY_NOT_FOUND", "No such standard reply"


class CentralTypeExists(ApiError):
    status, code, title = 409, "CENTRAL_TYPE_EXISTS", "A central case type has this id"


def has_web_booking(unit: Unit) -> bool:
    """Whether the unit books through web booking (then booking by request is not offered).
    The one place that reads it, so a richer web-booking capability can answer instead."""
    return EService.WEB_BOOKING in unit.services


def settings_allow(unit: Unit, type_id: str) -> bool:
    """A case type that is also an e-service of the unit registry (renew prescription, send
    message) is offered only where the registry says the unit offers it."""
    return type_id not in {s.value for s in EService} or EService(type_id) in unit.services


@dataclass(frozen=True)
class StandardReply:
    id: str
    title: str
    text: str


class Catalogue:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # what citizens see

    def offered(self, unit: Unit) -> list[CaseType]:
        """Central types active at the unit, then the unit's local types, with the unit's own
        lists (its certificates) as the choices of the questions that take them."""
        lists = {"certificates": tuple(self.certificates(unit))}
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(case_types.c.unit, case_types.c.document)
                .where(case_types.c.unit.in_((CENTRAL, unit.hsa_id)))
                .order_by(case_types.c.unit, case_types.c.id)
            ).all()
            states = _states_set(connection, unit)
        found = []
        for row in rows:
            case_type = CaseType.model_validate(row.document)
            if row.unit == CENTRAL:
                state = OfferingState(states.get(case_type.id, OfferingState.ACTIVE))
                if not (
                    offered(case_type, state, has_web_booking(unit))
                    and settings_allow(unit, case_type.id)
                ):
                    continue
            filled = with_unit_lists(case_type, lists)
            if filled is not None:
                found.append(with_referral_question(filled))
        return found

    def offered_type(self, unit: Unit, type_id: str) -> CaseType:
        for case_type in self.offered(unit):
            if case_type.id == type_id:
                return case_type
        raise ServiceNotOffered(f"{unit.name} does not offer the e-service {type_id!r}")

    # the central administrator

    def central(self, type_id: str) -> CaseType:
        with self.engine.connect() as connection:
            document = connection.execute(
                select(case_types.c.document).where(
                    and_(case_types.c.unit == CENTRAL, case_types.c.id == type_id)
                )
            ).scalar()
        if document is None:
            raise CaseTypeNotFound(f"no central case type {type_id!r}")
        return CaseType.model_validate(document)

    def replace_central(self, case_type: CaseType) -> None:
        self.central(case_type.id)  # central types are the region's set: edited, never added
        with self.engine.begin() as connection:
            connection.execute(
                update(case_types)
                .where(and_(case_types.c.unit == CENTRAL, case_types.c.id == case_type.id))
                .values(document=as_document(case_type))
            )

    def set_state(self, unit: Unit, type_id: str, state: OfferingState) -> None:
        self.central(type_id)
        key = and_(offerings.c.unit == unit.hsa_id, offerings.c.type_id == type_id)
        with self.engine.begin() as connection:
            connection.execute(delete(offerings).where(key))
            connection.execute(
                insert(offerings).values(unit=unit.hsa_id, type_id=type_id, state=state.value)
            )

    def states(self, unit: Unit) -> dict[str, OfferingState]:
        """Every central type's state at the unit (active unless set otherwise)."""
        with self.engine.connect() as connection:
            ids = connection.execute(
                select(case_types.c.id).where(case_types.c.unit == CENTRAL).order_by("id")
            ).scalars()
            set_ = _states_set(connection, unit)
            return {i: OfferingState(set_.get(i, OfferingState.ACTIVE)) for i in ids}

    # the unit's local administrator

    def local_types(self, unit: Unit) -> list[CaseType]:
        with self.engine.connect() as connection:
            documents = connection.execute(
                select(case_types.c.document)
                .where(case_types.c.unit == unit.hsa_id)
                .order_by(case_types.c.id)
            ).scalars()
            return [CaseType.model_validate(d) for d in documents]

    def put_local(self, unit: Unit, case_type: CaseType) -> bool:
        """Create or replace; True when created."""
        key = or_(
            and_(case_types.c.unit == unit.hsa_id, case_types.c.id == case_type.id),
            and_(case_types.c.unit == CENTRAL, case_types.c.id == case_type.id),
        )
        with self.engine.begin() as connection:
            existing = connection.execute(select(case_types.c.unit).where(key)).scalars().all()
            if CENTRAL in existing:
                raise CentralTypeExists(f"{case_type.id!r} is a central case type")
            connection.execute(delete(case_types).where(key))
            connection.execute(
                insert(case_types).values(
                    unit=unit.hsa_id, id=case_type.id, document=as_document(case_type)
                )
            )
        return not existing

    def delete_local(self, unit: Unit, type_id: str) -> None:
        with self.engine.begin() as connection:
            gone = connection.execute(
                delete(case_types).where(
                    and_(case_types.c.unit == unit.hsa_id, case_types.c.id == type_id)
                )
            ).rowcount
        if not gone:
            raise CaseTypeNotFound(f"{unit.name} has no local case type {type_id!r}")

    def certificates(self, unit: Unit) -> list[str]:
        """The certificates the unit issues, in the order its local administrator gave."""
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    select(unit_certificates.c.name)
                    .where(unit_certificates.c.unit == unit.hsa_id)
                    .order_by(unit_certificates.c.position)
                ).scalars()
            )

    def put_certificates(self, unit: Unit, names: list[str]) -> None:
        """Replace the unit's list as a whole (empty: the unit takes no certificate requests)."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(unit_certificates).where(unit_certificates.c.unit == unit.hsa_id)
            )
            if names:
                connection.execute(
                    insert(unit_certificates),
                    [{"unit": unit.hsa_id, "position": i, "name": n} for i, n in enumerate(names)],
                )

    def standard_replies(self, unit: Unit) -> list[StandardReply]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(standard_replies)
                .where(standard_replies.c.unit == unit.hsa_id)
                .order_by(standard_replies.c.id)
            ).all()
        return [StandardReply(r.id, r.title, r.text) for r in rows]

    def standard_reply(self, unit: Unit, reply_id: str) -> StandardReply:
        for reply in self.standard_replies(unit):
            if reply.id == reply_id:
                return reply
        raise StandardReplyNotFound(f"{unit.name} has no standard reply {reply_id!r}")

    def put_standard_reply(self, unit: Unit, reply: StandardReply) -> bool:
        key = and_(standard_replies.c.unit == unit.hsa_id, standard_replies.c.id == reply.id)
        with self.engine.begin() as connection:
            gone = connection.execute(delete(standard_replies).where(key)).rowcount
            connection.execute(
                insert(standard_replies).values(
                    unit=unit.hsa_id, id=reply.id, title=reply.title, text=reply.text
                )
            )
        return not gone

    def delete_standard_reply(self, unit: Unit, reply_id: str) -> None:
        key = and_(standard_replies.c.unit == unit.hsa_id, standard_replies.c.id == reply_id)
        with self.engine.begin() as connection:
            if not connection.execute(delete(standard_replies).where(key)).rowcount:
                raise StandardReplyNotFound(f"{unit.name} has no standard reply {reply_id!r}")


def _states_set(connection: Connection, unit: Unit) -> dict[str, str]:
    """The states the central management set at the unit, by type id (the rest are active)."""
    query = select(offerings.c.type_id, offerings.c.state).where(offerings.c.unit == unit.hsa_id)
    return {type_id: state for type_id, state in connection.execute(query).all()}
