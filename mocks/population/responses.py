"""LookupResidentForFullProfile as the register answers it: one resident per person asked about
that it knows (in the order asked, each once), none for the others. A person with protected
identity comes back with the id, the flag and nothing else; where they appear in someone else's
relations, without a name."""

from __future__ import annotations

from datetime import date

from lxml import etree

from contracts.population import CORE_NS, EXT_NS, RESPONDER_NS
from mocks.kit.soap import Call
from mocks.people import birth_date
from mocks.population.models import PopulationDataset, Resident

R = f"{{{RESPONDER_NS}}}"
C = f"{{{CORE_NS}}}"
X = f"{{{EXT_NS}}}"
NSMAP = {"ns": RESPONDER_NS, "core": CORE_NS, "ext": EXT_NS}


def lookup_resident_for_full_profile(call: Call) -> bytes:
    dataset: PopulationDataset = call.backend
    asked = [p.text.strip() for p in call.request.payload.iterfind(f"{R}personId") if p.text]
    answer = etree.Element(f"{R}LookupResidentForFullProfileResponse", nsmap=NSMAP)
    for number in dict.fromkeys(asked):
        resident = dataset.by_id.get(number)
        if resident is not None:
            _resident(answer, resident, dataset)
    return etree.tostring(call.validated(answer))


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _day(day: date) -> str:
    return f"{day:%Y%m%d}"


def _resident(parent: etree._Element, resident: Resident, dataset: PopulationDataset) -> None:
    element = _sub(parent, f"{R}resident")
    _sub(element, f"{C}Sekretessmarkering", "J" if resident.protectedIdentity else "N")
    record = _sub(element, f"{C}Personpost")
    _sub(record, f"{C}PersonId", resident.id)
    if resident.protectedIdentity:
        _sub(record, f"{X}Relationer")
        return
    if resident.sex:
        _sub(record, f"{C}Kon", resident.sex)
    _sub(record, f"{C}Fodelsetid", _day(birth_date(resident.id)))
    if resident.deceasedOn:
        deregistered = _sub(record, f"{C}Avregistrering")
        _sub(deregistered, f"{C}AvregistreringsorsakKod", "AV")
        _sub(deregistered, f"{C}Avregistreringsdatum", _day(resident.deceasedOn))
    _name(record, resident)
    address = _sub(record, f"{C}Folkbokforingsadress")
    _sub(address, f"{C}LanKod", resident.county)
    _sub(address, f"{C}KommunKod", resident.municipality)
    _relations(_sub(record, f"{X}Relationer"), resident.id, dataset)


def _name(parent: etree._Element, resident: Resident) -> None:
    name = _sub(parent, f"{C}Namn")
    if resident.calledName is not None:
        _sub(name, f"{C}Tilltalsnamnsmarkering", str(resident.calledName))
    for tag, value in (
        ("Fornamn", resident.givenName),
        ("Mellannamn", resident.middleName),
        ("Efternamn", resident.surname),
    ):
        if value:
            _sub(name, f"{C}{tag}", value)


def _relations(parent: etree._Element, owner: str, dataset: PopulationDataset) -> None:
    """The owner's relations, each from the owner's side."""
    for custody in dataset.custody:
        if owner in (custody.child, custody.guardian):
            is_child = owner == custody.child
            other = custody.guardian if is_child else custody.child
            code = "V" if is_child else "VF"
            _relation(parent, dataset, other, code, custody.fromDate, custody.toDate)
    for parenthood in dataset.parents:
        if owner == parenthood.child:
            _relation(parent, dataset, parenthood.parent, parenthood.type)
        elif owner == parenthood.parent:
            _relation(parent, dataset, parenthood.child, "B")


def _relation(
    parent: etree._Element,
    dataset: PopulationDataset,
    other: str,
    code: str,
    start: date | None = None,
    end: date | None = None,
) -> None:
    relation = _sub(parent, f"{C}Relation")
    _sub(_sub(relation, f"{C}RelationId"), f"{C}PersonNr", other)
    _sub(relation, f"{C}Relationstyp", code)
    if start:
        _sub(relation, f"{C}RelationFromdatum", _day(start))
    if end:
        _sub(relation, f"{C}RelationTomdatum", _day(end))
    resident = dataset.by_id[other]
    if not resident.protectedIdentity:
        _name(relation, resident)
