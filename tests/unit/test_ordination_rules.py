"""The list's rules as pure functions: window, chains, discontinuation, approval, units,
names, strength."""

from datetime import date, datetime

import pytest

from gateway.domain.ordinations import Drug, MedicationRecord, renewable, window_start

TODAY = date(2026, 11, 25)
UNIT, LINKED, OTHER = "SE2321000057-5VTN", "SE2321000057-4K1D", "SE2321000057-5RB2"


def record(
    rx: str,
    when: datetime,
    chain: str | None = None,
    unit: str | None = UNIT,
    discontinuation: bool = False,
    approved: bool = True,
    nullified: bool = False,
    drug: Drug | None = None,
) -> MedicationRecord:
    return MedicationRecord(
        prescription_id=rx,
        chain_id=chain,
        authored_at=when,
        care_unit=unit,
        approved_for_patient=approved,
        nullified=nullified,
        discontinuation=discontinuation,
        read_drug=lambda: drug or Drug(npl_name=f"Drug {rx}"),
    )


def ids(records: list[MedicationRecord], units: tuple[str, ...] = (UNIT,)) -> list[str]:
    return [o.id for o in renewable(records, units, TODAY)]


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (date(2026, 11, 25), date(2021, 11, 25)),
        (date(2028, 2, 29), date(2023, 2, 28)),  # leap day maps to 28 February
        (date(2024, 2, 29), date(2019, 2, 28)),
        (date(2025, 3, 1), date(2020, 3, 1)),
    ],
)
def test_window_start_is_five_years_back(today: date, start: date) -> None:
    assert window_start(today) == start


def test_window_includes_its_first_day_and_not_the_day_before() -> None:
    first = record("first", datetime(2021, 11, 25, 0, 0))
    before = record("before", datetime(2021, 11, 24, 23, 59))
    assert ids([first, before]) == ["first"]


def test_one_entry_per_chain_from_its_latest_record() -> None:
    old = record("old", datetime(2023, 1, 1), chain="c1")
    new = record("new", datetime(2026, 1, 1), chain="c1")
    assert ids([new, old]) == ["new"]


def test_chain_ending_in_a_discontinuation_is_hidden() -> None:
    started = record("start", datetime(2024, 1, 1), chain="c1")
    stopped = record("stop", datetime(2025, 1, 1), chain="c1", discontinuation=True)
    assert ids([started, stopped]) == []


def test_discontinuation_wins_a_tie_on_author_time() -> None:
    moment = datetime(2025, 1, 1, 12)
    assert ids([record("a", moment, "c1"), record("b", moment, "c1", discontinuation=True)]) == []


def test_renewal_after_discontinuation_is_listed() -> None:
    chain = [
        record("a", datetime(2024, 1, 1), "c1"),
        record("b", datetime(2024, 6, 1), "c1", discontinuation=True),
        record("c", datetime(2025, 1, 1), "c1"),
    ]
    assert ids(chain) == ["c"]


def test_nullified_and_unapproved_records_are_ignored() -> None:
    listed = record("ok", datetime(2025, 1, 1), "c1")
    later_nullified = record("null", datetime(2026, 1, 1), "c1", nullified=True)
    unapproved = record("hidden", datetime(2026, 1, 1), "c2", approved=False)
    assert ids([listed, later_nullified, unapproved]) == ["ok"]


def test_records_without_chain_are_chains_of_their_own() -> None:
    assert sorted(ids([record("a", datetime(2025, 1, 1)), record("b", datetime(2025, 2, 1))])) == [
        "a",
        "b",
    ]


def test_only_the_unit_and_its_linked_units() -> None:
    records = [
        record("here", datetime(2025, 1, 1)),
        record("linked", datetime(2025, 1, 2), unit=LINKED),
        record("elsewhere", datetime(2025, 1, 3), unit=OTHER),
        record("nowhere", datetime(2025, 1, 4), unit=None),
    ]
    assert ids(records) == ["here"]
    assert ids(records, (UNIT, LINKED)) == ["linked", "here"]


def test_unit_comparison_ignores_case() -> None:
    assert ids([record("a", datetime(2025, 1, 1), unit="se2321000057-5vtn")]) == ["a"]
    assert ids([record("b", datetime(2025, 1, 1))], ("se2321000057-5vtn",)) == ["b"]


def test_chain_renewed_at_another_unit_is_not_listed_here() -> None:
    here = record("here", datetime(2024, 1, 1), "c1")
    there = record("there", datetime(2025, 1, 1), "c1", unit=OTHER)
    assert ids([here, there]) == []


def test_newest_first() -> None:
    records = [record(str(m), datetime(2025, m, 1)) for m in (3, 1, 2)]
    assert ids(records) == ["3", "2", "1"]


def test_same_day_by_name_whatever_the_case() -> None:
    day = [
        record(name, datetime(2025, 1, 1, hour), drug=Drug(npl_name=name))
        for hour, name in enumerate(["Waran", "alvedon", "Furix"], start=8)
    ]
    newer = record("newer", datetime(2025, 1, 2), drug=Drug(npl_name="Zopiklon"))
    assert ids([*day, newer]) == ["newer", "alvedon", "Furix", "Waran"]


def test_name_falls_back_as_the_contract_allows() -> None:
    assert Drug(npl_name="Alvedon", pack_name="pack").display_name == "Alvedon"
    assert Drug(npl_name=" Alvedon\n").display_name == "Alvedon"
    assert Drug(npl_name=" ", pack_name="Alvedon 500 mg 20 st").display_name == (
        "Alvedon 500 mg 20 st"
    )
    assert Drug(merchandise_name="Merch", unstructured="x").display_name == "Merch"
    assert Drug(unstructured="Extempore mixtur").display_name == "Extempore mixtur"
    assert Drug(generic_substance="Paracetamol").display_name == "Paracetamol"
    assert Drug().display_name is None


@pytest.mark.parametrize(
    ("strength", "unit", "text"),
    [(500.0, "mg", "500 mg"), (2.5, "mg", "2,5 mg"), (0.125, "mg", "0,125 mg"), (100, None, "100")],
)
def test_strength_text(strength: float, unit: str | None, text: str) -> None:
    assert Drug(strength=strength, strength_unit=unit).strength_text == text
    assert Drug().strength_text is None


def test_ordination_carries_the_fields_the_form_needs() -> None:
    drug = Drug(
        npl_name="Alvedon",
        npl_id="1975",
        atc_code="N02BE01",
        form="Tablett",
        strength=500,
        strength_unit="mg",
    )
    (listed,) = renewable([record("rx1", datetime(2025, 5, 6, 7), drug=drug)], [UNIT], TODAY)
    assert (listed.name, listed.strength, listed.form, listed.atc_code, listed.npl_id) == (
        "Alvedon",
        "500 mg",
        "Tablett",
        "N02BE01",
        "1975",
    )
    assert listed.prescribed_on == date(2025, 5, 6)
    assert listed.unit_hsa_id == UNIT
