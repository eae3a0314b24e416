"""The proxy rules without a server: custody in force today (from either person's record), the
order of refusals, names as people see them, and the register's incomplete dates read so that
doubt never grants custody."""

from datetime import date

import pytest
from lxml import etree

from contracts.population import CORE_NS, EXT_NS, RESPONDER_NS
from gateway.domain.guardianship import (
    Kinship,
    PersonName,
    ProxyRefusal,
    Relation,
    Resident,
    has_custody,
    proxy_refusal,
    register_refusal,
    wards,
)
from gateway.domain.identity import Identity, parse_identity, with_check_digit
from gateway.upstreams.population import parse_residents

TODAY = date(2026, 11, 25)
GUARDIAN = with_check_digit("19680415238")
CHILD = with_check_digit("20140817185")


def person(birth: date) -> Identity:
    return parse_identity(with_check_digit(f"{birth:%Y%m%d}123"))


def records(guardian: tuple[Relation, ...] = (), child: tuple[Relation, ...] = ()) -> dict:
    return {
        GUARDIAN: Resident(GUARDIAN, protected=False, relations=guardian),
        CHILD: Resident(CHILD, protected=False, relations=child),
    }


def test_custody_is_read_from_either_record() -> None:
    assert has_custody(GUARDIAN, CHILD, records(guardian=(Relation(CHILD, Kinship.WARD),)), TODAY)
    assert has_custody(
        GUARDIAN, CHILD, records(child=(Relation(GUARDIAN, Kinship.GUARDIAN),)), TODAY
    )


def test_parenthood_alone_is_not_custody() -> None:
    parent_only = records(
        guardian=(Relation(CHILD, Kinship.OTHER),), child=(Relation(GUARDIAN, Kinship.OTHER),)
    )
    assert not has_custody(GUARDIAN, CHILD, parent_only, TODAY)


def test_the_direction_of_custody_matters() -> None:
    """The child's guardian is not in the child's custody, nor the other way round."""
    backwards = records(
        guardian=(Relation(CHILD, Kinship.GUARDIAN),), child=(Relation(GUARDIAN, Kinship.WARD),)
    )
    assert not has_custody(GUARDIAN, CHILD, backwards, TODAY)


def test_custody_holds_from_its_first_to_its_last_day() -> None:
    def on(day: date, start: date | None, end: date | None) -> bool:
        relation = Relation(CHILD, Kinship.WARD, start, end)
        return has_custody(GUARDIAN, CHILD, records(guardian=(relation,)), day)

    assert on(TODAY, TODAY, None) and on(TODAY, None, TODAY)
    assert not on(TODAY, date(2026, 11, 26), None)  # begins tomorrow
    assert not on(TODAY, None, date(2026, 11, 24))  # ended yesterday


def test_no_custody_of_a_child_the_register_does_not_know() -> None:
    only_guardian = {GUARDIAN: records(guardian=(Relation(CHILD, Kinship.WARD),))[GUARDIAN]}
    assert not has_custody(GUARDIAN, CHILD, only_guardian, TODAY)


def test_wards_are_those_in_custody_today() -> None:
    ended = with_check_digit("20160926224")
    guardian = Resident(
        GUARDIAN,
        protected=False,
        relations=(
            Relation(CHILD, Kinship.WARD),
            Relation(CHILD, Kinship.OTHER),
            Relation(ended, Kinship.WARD, end=date(2026, 11, 24)),
        ),
    )
    assert wards(guardian, TODAY) == [CHILD]


def test_refusals_in_order_and_a_non_guardian_learns_nothing_more() -> None:
    old, young = person(date(2013, 11, 25)), person(date(2013, 11, 26))
    assert proxy_refusal(old, TODAY, guardian=False, protected=True) is ProxyRefusal.NOT_GUARDIAN
    assert proxy_refusal(old, TODAY, guardian=True, protected=True) is (
        ProxyRefusal.PROXY_NOT_ALLOWED
    )
    assert proxy_refusal(young, TODAY, guardian=True, protected=True) is (
        ProxyRefusal.PROTECTED_IDENTITY
    )
    assert proxy_refusal(young, TODAY, guardian=True, protected=False) is None


def test_register_refusal_uses_the_childs_protection() -> None:
    child = parse_identity(CHILD)
    found = records(guardian=(Relation(CHILD, Kinship.WARD),))
    assert register_refusal(GUARDIAN, child, found, TODAY) is None
    found[CHILD] = Resident(CHILD, protected=True)
    assert register_refusal(GUARDIAN, child, found, TODAY) is ProxyRefusal.PROTECTED_IDENTITY


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (PersonName("Anna Karin", None, "Lindqvist", 20), "Karin Lindqvist"),
        (PersonName("Anna Karin", None, "Lindqvist"), "Anna Karin Lindqvist"),
        (PersonName("Per", "Olof", "Ek", 10), "Per Olof Ek"),
        (PersonName("Per", None, "Ek", 40), "Per Ek"),  # a marker past the names: all of them
        (PersonName(None, None, None), None),
    ],
)
def test_display_name(name: PersonName, shown: str | None) -> None:
    assert name.display() == shown


def answer(relation: str) -> etree._Element:
    return etree.fromstring(
        f'<r:LookupResidentForFullProfileResponse xmlns:r="{RESPONDER_NS}" xmlns:c="{CORE_NS}" '
        f'xmlns:x="{EXT_NS}"><r:resident><c:Sekretessmarkering>N</c:Sekretessmarkering>'
        f"<c:Personpost><c:PersonId>{GUARDIAN}</c:PersonId><x:Relationer>{relation}"
        "</x:Relationer></c:Personpost></r:resident></r:LookupResidentForFullProfileResponse>"
    )


def custody(start: str | None = None, end: str | None = None, code: str = "VF") -> str:
    return (
        f"<c:Relation><c:RelationId><c:PersonNr>{CHILD}</c:PersonNr></c:RelationId>"
        f"<c:Relationstyp>{code}</c:Relationstyp>"
        + (f"<c:RelationFromdatum>{start}</c:RelationFromdatum>" if start else "")
        + (f"<c:RelationTomdatum>{end}</c:RelationTomdatum>" if end else "")
        + "</c:Relation>"
    )


@pytest.mark.parametrize(
    ("start", "end", "relation"),
    [
        ("20140817", None, Relation(CHILD, Kinship.WARD, date(2014, 8, 17))),
        ("2014", "202611", Relation(CHILD, Kinship.WARD, date(2014, 12, 31), date(2026, 11, 1))),
        (
            "20140800",
            "20260000",
            Relation(CHILD, Kinship.WARD, date(2014, 8, 31), date(2026, 1, 1)),
        ),
        ("garbage", "junk", Relation(CHILD, Kinship.WARD, date.max, date.min)),
    ],
)
def test_incomplete_dates_never_widen_custody(
    start: str, end: str | None, relation: Relation
) -> None:
    (resident,) = parse_residents(answer(custody(start, end))).values()
    assert resident.relations == (relation,)


def test_other_relation_codes_are_not_custody_and_protection_needs_an_explicit_n() -> None:
    (resident,) = parse_residents(answer(custody(code="B") + custody(code="V"))).values()
    assert [r.kinship for r in resident.relations] == [Kinship.OTHER, Kinship.GUARDIAN]
    unclear = answer("")
    unclear[0][0].text = "X"
    assert parse_residents(unclear)[GUARDIAN].protected
