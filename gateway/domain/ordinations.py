"""The renew-prescription list: which earlier ordinations a citizen may pick to renew.

Pure functions over plain dataclasses; `today` is always an argument.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

WINDOW_YEARS = 5


@dataclass(frozen=True)
class Drug:
    """What a record says about the drug, each field as the contract carries it (None if absent)."""

    npl_name: str | None = None  # drug/drug/nplId/displayName
    pack_name: str | None = None  # drug/drugArticle/nplPackId/displayName
    merchandise_name: str | None = None  # drug/merchandise/articleNumber/displayName
    unstructured: str | None = None  # drug/unstructuredDrugInformation/unstructuredInformation
    generic_substance: str | None = None  # drug/generics/substance
    npl_id: str | None = None
    atc_code: str | None = None
    form: str | None = None  # drug/drug/pharmaceuticalForm, else drug/generics/form
    strength: float | None = None  # drug/drug/strength, else drug/generics/strength/value
    strength_unit: str | None = None

    @property
    def display_name(self) -> str | None:
        """NPL display name first, then the fallbacks the contract allows, most specific first."""
        for name in (
            self.npl_name,
            self.pack_name,
            self.merchandise_name,
            self.unstructured,
            self.generic_substance,
        ):
            if name and name.strip():
                return name.strip()
        return None

    @property
    def strength_text(self) -> str | None:
        """`500 mg`, `2,5 mg` (Swedish decimal comma: the text fills a Swedish form field)."""
        if self.strength is None:
            return None
        number = format_number(self.strength)
        return f"{number} {self.strength_unit}".strip() if self.strength_unit else number


@dataclass(frozen=True)
class MedicationRecord:
    """One GetMedicationHistory record, in the domain's terms."""

    prescription_id: str
    chain_id: str | None
    authored_at: datetime
    care_unit: str | None
    approved_for_patient: bool
    nullified: bool
    discontinuation: bool  # typeOfPrescription U (utsättning)
    # Read on demand: only the records that end up listed need their drug, and reading it is
    # most of the cost of mapping an answer.
    read_drug: Callable[[], Drug]

    @property
    def chain_key(self) -> str:
        """A record without a chain id is a chain of its own."""
        return self.chain_id or f"prescription:{self.prescription_id}"


@dataclass(frozen=True)
class Ordination:
    """One entry of the list the citizen picks from."""

    id: str
    name: str | None
    strength: str | None
    form: str | None
    atc_code: str | None
    npl_id: str | None
    prescribed_on: date
    unit_hsa_id: str | None


def format_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").replace(".", ",")


def window_start(today: date) -> date:
    """Today minus five years, inclusive; 29 February maps to 28 February."""
    year = today.year - WINDOW_YEARS
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return date(year, 2, 28)


def renewable(
    records: Iterable[MedicationRecord], units: Iterable[str], today: date
) -> list[Ordination]:
    """The ordinations to list, newest first.

    Nullified records and records not approved for the patient are ignored outright. Each
    prescription chain is then represented by its latest record (by authorTime; on a tie a
    discontinuation counts as later). The chain is hidden when that record is a discontinuation,
    was written at a unit outside `units` (the unit and the units linked to it), or is older than
    the five-year window.
    """
    allowed = {unit.upper() for unit in units}
    latest: dict[str, MedicationRecord] = {}
    for record in records:
        if record.nullified or not record.approved_for_patient:
            continue
        key = record.chain_key
        current = latest.get(key)
        if current is None or _order(record) > _order(current):
            latest[key] = record
    start = window_start(today)
    listed = [
        _ordination(record)
        for record in latest.values()
        if not record.discontinuation
        and (record.care_unit or "").upper() in allowed
        and record.authored_at.date() >= start
    ]
    listed.sort(key=lambda o: (o.name or "").casefold())
    listed.sort(key=lambda o: o.prescribed_on, reverse=True)
    return listed


def _order(record: MedicationRecord) -> tuple[datetime, bool]:
    return record.authored_at, record.discontinuation


def _ordination(record: MedicationRecord) -> Ordination:
    drug = record.read_drug()
    return Ordination(
        id=record.prescription_id,
        name=drug.display_name,
        strength=drug.strength_text,
        form=drug.form,
        atc_code=drug.atc_code,
        npl_id=drug.npl_id,
        prescribed_on=record.authored_at.date(),
        unit_hsa_id=record.care_unit,
    )
