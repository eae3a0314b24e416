"""The default dataset: synthetic patients (valid identity numbers, never real people) whose
records exercise every rule of the renew-prescription list, dated relative to 'today'.

Labels say what each patient is for; GET /mocks/cosmic/_admin/dataset shows the result.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import cycle
from typing import Any

from mocks import people
from mocks.people import years_before

TENHULT = "SE2321000057-5VTN"
EKSJO = "SE2321000057-5RB2"
HEART_CLINIC = "SE2321000057-4K1C"
DIABETES_CLINIC = "SE2321000057-4K1D"
SOURCE_SYSTEM = "SE2321000057-7P8R"

# name, NPL id (synthetic), ATC, ATC name, form, strength, unit, dosage instruction
CATALOGUE: list[tuple[str, str, str, str, str, float, str, str]] = [
    (
        "Alvedon",
        "19750613000024",
        "N02BE01",
        "Paracetamol",
        "Tablett",
        500,
        "mg",
        "1-2 tabletter vid behov, högst 8 per dygn",
    ),
    (
        "Enalapril Actavis",
        "19970124000116",
        "C09AA02",
        "Enalapril",
        "Tablett",
        10,
        "mg",
        "1 tablett dagligen",
    ),
    (
        "Simvastatin Teva",
        "20010518000071",
        "C10AA01",
        "Simvastatin",
        "Filmdragerad tablett",
        20,
        "mg",
        "1 tablett till kvällen",
    ),
    (
        "Metformin Sandoz",
        "20030912000039",
        "A10BA02",
        "Metformin",
        "Filmdragerad tablett",
        500,
        "mg",
        "1 tablett 2 gånger dagligen",
    ),
    (
        "Furix",
        "19650301000018",
        "C03CA01",
        "Furosemid",
        "Tablett",
        40,
        "mg",
        "1 tablett på morgonen",
    ),
    (
        "Omeprazol Actavis",
        "20020405000065",
        "A02BC01",
        "Omeprazol",
        "Enterokapsel, hård",
        20,
        "mg",
        "1 kapsel dagligen",
    ),
    (
        "Sertralin Accord",
        "20060629000102",
        "N06AB06",
        "Sertralin",
        "Filmdragerad tablett",
        50,
        "mg",
        "1 tablett dagligen",
    ),
    (
        "Waran",
        "19580101000051",
        "B01AA03",
        "Warfarin",
        "Tablett",
        2.5,
        "mg",
        "Enligt ordination från AK-mottagningen",
    ),
    (
        "Seloken ZOC",
        "19930831000044",
        "C07AB02",
        "Metoprolol",
        "Depottablett",
        50,
        "mg",
        "1 tablett på morgonen",
    ),
    (
        "NovoRapid FlexPen",
        "19990907000013",
        "A10AB05",
        "Insulin aspart",
        "Injektionsvätska, lösning i förfylld injektionspenna",
        100,
        "E/ml",
        "Enligt ordination",
    ),
    (
        "Levaxin",
        "19860214000088",
        "H03AA01",
        "Levotyroxin",
        "Tablett",
        0.1,
        "mg",
        "1 tablett på morgonen",
    ),
]
DRUGS = {entry[0]: entry for entry in CATALOGUE}


class _Builder:
    def __init__(self, today: date, label: str) -> None:
        self.today, self.label, self.records, self.n = today, label, [], 0

    def at(self, days_ago: int) -> datetime:
        return datetime.combine(self.today - timedelta(days=days_ago), time(9, 30))

    def add(
        self,
        drug: str,
        authored: datetime,
        unit: str = TENHULT,
        chain: str | None = None,
        drug_overrides: dict[str, Any] | None = None,
        **record: Any,
    ) -> str:
        self.n += 1
        name, npl, atc, atc_name, form, strength, unit_of, dosage = DRUGS[drug]
        chain = chain or f"CH-{self.label}-{self.n}"
        drug_doc = {
            "name": name,
            "nplId": npl,
            "atcCode": atc,
            "atcName": atc_name,
            "form": form,
            "strength": strength,
            "strengthUnit": unit_of,
            "dosageInstruction": dosage,
        }
        drug_doc.update(drug_overrides or {})
        self.records.append(
            {
                "documentId": f"DOC-{self.label}-{self.n}",
                "careUnitHSAId": unit,
                "authorTime": authored.isoformat(),
                "prescriptionId": f"RX-{self.label}-{self.n}",
                "prescriptionChainId": chain,
                "prescriberName": "Doktor Synthetic",
                "prescriberHSAId": "SE2321000057-L001",
                "startOfTreatment": authored.isoformat(),
                "drug": {k: v for k, v in drug_doc.items() if v is not None},
                **record,
            }
        )
        return chain

    def patient(self, number: str) -> dict[str, Any]:
        return {"id": number, "label": self.label, "records": self.records}


def _adult_rules(today: date) -> dict[str, Any]:
    b = _Builder(today, "adult-rules")
    window_start = years_before(today, 5)
    b.add("Alvedon", b.at(30))
    chain = b.add("Enalapril Actavis", b.at(3 * 365), prescriptionStatus="Inactive")
    b.add("Enalapril Actavis", b.at(200), chain=chain)  # renewal: one entry, latest date
    chain = b.add("Simvastatin Teva", b.at(2 * 365), prescriptionStatus="Inactive")
    b.add("Simvastatin Teva", b.at(100), chain=chain, typeOfPrescription="U")  # discontinued
    first_day = datetime.combine(window_start, time(8, 0))
    b.add("Metformin Sandoz", first_day)  # first day of the window: listed
    ongoing_end = datetime.combine(today + timedelta(days=365), time(0, 0))
    b.add("Furix", first_day - timedelta(days=1), endOfTreatment=ongoing_end.isoformat())
    b.add("Omeprazol Actavis", b.at(60), nullified=True)
    b.add("Sertralin Accord", b.at(45), approvedForPatient=False)
    b.add("Waran", b.at(20))  # 2,5 mg
    b.add(
        "Levaxin",
        b.at(15),
        drug_overrides={
            "name": None,
            "nplId": None,
            "packName": "Levaxin 100 mikrog tablett 100 st",
            "nplPackId": "19860214100045",
        },
    )
    b.add(
        "Alvedon",
        b.at(10),
        drug_overrides={
            "name": None,
            "nplId": None,
            "atcCode": None,
            "atcName": None,
            "form": None,
            "strength": None,
            "strengthUnit": None,
            "unstructured": "Kaliumklorid mixtur 1 mmol/ml (extempore)",
        },
    )
    b.add("Seloken ZOC", b.at(90), unit=EKSJO)  # another, unlinked unit
    old = datetime.combine(years_before(today, 7), time(9, 0))
    b.add(
        "Furix",
        old,
        endOfTreatment=(old + timedelta(days=365)).isoformat(),
        prescriptionStatus="Inactive",
    )
    return b.patient(people.number("adult-rules", today))


def _linked_units(today: date) -> dict[str, Any]:
    b = _Builder(today, "linked-units")
    b.add("Seloken ZOC", b.at(40), unit=HEART_CLINIC)
    b.add("NovoRapid FlexPen", b.at(25), unit=DIABETES_CLINIC)
    b.add("Alvedon", b.at(5), unit=TENHULT)
    return b.patient(people.number("linked-units", today))


def _single(today: date, label: str, number: str, drug: str = "Alvedon") -> dict[str, Any]:
    b = _Builder(today, label)
    b.add(drug, b.at(14))
    return b.patient(number)


def _many_records(today: date, count: int = 2000) -> dict[str, Any]:
    """2,000 records at Tenhult over six years, all returned for a Tenhult query (no end of
    treatment, so each overlaps the window): 1,000 chains of a first prescription and a renewal,
    every 10th chain ending in a discontinuation instead."""
    b = _Builder(today, "many-records")
    drugs = cycle(name for name, *_ in CATALOGUE)
    for i in range(count // 2):
        drug, unit = next(drugs), TENHULT
        first = b.at(30 + (i * 7) % (6 * 365))
        chain = b.add(drug, first, unit=unit, prescriptionStatus="Inactive")
        b.add(
            drug,
            first + timedelta(days=3),
            unit=unit,
            chain=chain,
            typeOfPrescription="U" if i % 10 == 0 else "I",
        )
    return b.patient(people.number("many-records", today))


def default_dataset(today: date) -> dict[str, Any]:
    def single(label: str) -> dict[str, Any]:
        return _single(today, label, people.number(label, today))

    patients = [
        _adult_rules(today),
        _linked_units(today),
        single("samordningsnummer"),
        single("turns-16-today"),
        single("turns-16-tomorrow"),
        single("child-12"),
        single("child-turns-13-today"),
        {"id": people.number("no-records", today), "label": "no-records", "records": []},
        _many_records(today),
    ]
    return {"sourceSystemHSAId": SOURCE_SYSTEM, "patients": patients}
