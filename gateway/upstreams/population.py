"""The population register's LookupResidentForFullProfile 1.1: request building and XML ->
register records (gateway.domain.guardianship). Contract element names appear only here.

Relation dates may be incomplete in the register (`2019`, `201903`, `20190300`). Read so that
doubt never grants custody: a relation starts on the last day its start could be, and ends on
the first day its end could be.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterable
from datetime import date

from lxml import etree

from contracts.population import (
    BINDING,
    CORE_NS,
    EXT_NS,
    OPERATION,
    RESPONDER_NS,
    RESPONDER_XSD,
    UPSTREAM,
    WSDL,
)
from gateway.domain.guardianship import Kinship, PersonName, Relation, Resident
from gateway.domain.identity import Identity
from gateway.errors import UpstreamInvalidResponse
from gateway.upstreams.http import UpstreamContext
from gateway.upstreams.riv_xml import Elements
from gateway.upstreams.settings import UpstreamSettings
from gateway.upstreams.soap import RivSoapClient, SoapContract

log = logging.getLogger("etjanst.upstream")

R = f"{{{RESPONDER_NS}}}"
CORE = Elements(CORE_NS)
EXT = Elements(EXT_NS)
KINSHIP = {"V": Kinship.GUARDIAN, "VF": Kinship.WARD}  # every other code is not custody

CONTRACT = SoapContract(WSDL, BINDING, RESPONDER_XSD, frozenset({RESPONDER_NS, CORE_NS, EXT_NS}))


class PopulationClient(RivSoapClient):
    def __init__(self, settings: UpstreamSettings, context: UpstreamContext) -> None:
        super().__init__(UPSTREAM, settings, context, {OPERATION: CONTRACT})

    def residents(self, people: Iterable[Identity]) -> dict[str, Resident]:
        """The register's records of `people` (one call), by identity number; the people it
        does not know are absent."""
        numbers = list(dict.fromkeys(person.number for person in people))
        reply = self.call(OPERATION, personId=numbers, lookUpSpecification={})
        return parse_residents(reply.payload)


def parse_residents(payload: etree._Element) -> dict[str, Resident]:
    if payload.tag != f"{R}LookupResidentForFullProfileResponse":
        raise UpstreamInvalidResponse("population", f"unexpected answer element {payload.tag}")
    found: dict[str, Resident] = {}
    for element in payload.iterfind(f"{R}resident"):
        resident = _resident(element)
        if resident is None:
            log.warning("upstream population drift: a resident without a PersonId skipped")
        else:
            found[resident.number] = resident
    return found


def _resident(element: etree._Element) -> Resident | None:
    outer = CORE.children(element)
    record = CORE.children(CORE.child(outer, "Personpost"))
    number = CORE.text(record, "PersonId")
    if number is None:
        return None
    relations = EXT.child(record, "Relationer")
    return Resident(
        number=number,
        # anything but an explicit N counts as protected: doubt never reveals a person
        protected=CORE.text(outer, "Sekretessmarkering") != "N",
        name=_name(CORE.child(record, "Namn")),
        relations=tuple(
            relation
            for relation in (_relation(r) for r in ([] if relations is None else relations))
            if relation is not None
        ),
        county=CORE.text(record, "Folkbokforingsadress", "LanKod"),
    )


def _name(element: etree._Element | None) -> PersonName | None:
    if element is None:
        return None
    name = CORE.children(element)
    called = CORE.text(name, "Tilltalsnamnsmarkering")
    return PersonName(
        given=CORE.text(name, "Fornamn"),
        middle=CORE.text(name, "Mellannamn"),
        surname=CORE.text(name, "Efternamn"),
        called=int(called) if called and called.isdigit() else None,
    )


def _relation(element: etree._Element) -> Relation | None:
    if not isinstance(element.tag, str) or element.tag != f"{CORE.prefix}Relation":
        return None
    relation = CORE.children(element)
    person = CORE.text(relation, "RelationId", "PersonNr") or CORE.text(
        relation, "RelationId", "FodelsetidNr"
    )
    if person is None:
        return None
    start = CORE.text(relation, "RelationFromdatum")
    end = CORE.text(relation, "RelationTomdatum")
    return Relation(
        person=person,
        kinship=KINSHIP.get(CORE.text(relation, "Relationstyp") or "", Kinship.OTHER),
        start=_last_possible_day(start) if start else None,
        end=_first_possible_day(end) if end else None,
    )


def _parts(text: str) -> tuple[int, int, int]:
    """Year, month and day of a possibly incomplete date; 0 for what is not known."""
    digits = (text + "0000")[:8]
    if not digits.isdigit():
        raise ValueError(text)
    return int(digits[:4]), int(digits[4:6]), int(digits[6:8])


def _last_possible_day(text: str) -> date:
    try:
        year, month, day = _parts(text)
        month = month or 12
        return date(year, month, day or calendar.monthrange(year, month)[1])
    except ValueError:  # not a date at all: the relation has not begun
        return date.max


def _first_possible_day(text: str) -> date:
    try:
        year, month, day = _parts(text)
        return date(year, month or 1, day or 1)
    except ValueError:  # not a date at all: the relation has ended
        return date.min
