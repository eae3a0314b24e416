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
# drug_overrides that clear the catalogue's product (drug/drug), for another drug choice
PRODUCT_ONLY = dict.fromkeys(
    ("name", "nplId", "atcCode", "atcName", "form", "strength", "strengthUnit"), None
)


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
        drug_overrides={  # a pack (drugArticle): no product, form or strength
            **PRODUCT_ONLY,
            "packName": "Levaxin 100 mikrog tablett 100 st",
            "nplPackId": "19860214100045",
        },
    )
    b.add(
        "Alvedon",
        b.at(10),
        drug_overrides={
            **PRODUCT_ONLY,
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
        _national_suite(today),
        _reserve_number(today),
    ]
    return {"sourceSystemHSAId": SOURCE_SYSTEM, "patients": patients}


# --- the national producer test suite's patients (contracts/suites/producer/) -----------------

RESERVE_NUMBER = "19990909R001"
RESERVE_NUMBER_TYPE = "2.999.1"  # a local reserve-number OID (region-defined; this one: example)
SUITE_CARE_CONTACT = "VK-2026-0001"
SPECIAL_CHARACTERS = "?åäö<>><&"
PAIN = {"code": "R52.9", "codeSystem": "1.2.752.116.1.1.1.1.3", "displayName": "Smärta"}
FEVER = {"code": "R50.9", "codeSystem": "1.2.752.116.1.1.1.1.3", "displayName": "Feber"}
ORAL = {"code": "PO", "codeSystem": "1.2.752.129.2.2.3.1.5", "displayName": "Oral användning"}


def _who(moment: datetime, name: str = "Sjuksköterska Synthetic") -> dict[str, Any]:
    return {"time": moment.isoformat(), "name": name, "orgUnitName": "Tenhults vårdcentral"}


def _dispensation(n: int, moment: datetime, drug: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"EXP-national-suite-{n}",
        "validUntil": (moment + timedelta(days=365)).date().isoformat(),
        "receivingPharmacy": {"root": "1.2.752.129.2.1.4.1", "extension": "SE2321000057-APO1"},
        "minimumDispensationIntervalDays": 20,
        "totalAmount": 100,
        "packageUnit": "st",
        "distributionMethod": "Apotek",
        "authorizer": _who(moment, "Doktor Synthetic"),
        "authorizerComment": "Utlämnas i originalförpackning",
        "firstDispensationBefore": (moment + timedelta(days=60)).date().isoformat(),
        "prescriptionSignatura": "1 tablett dagligen",
        "nonReplaceable": "Prescriber",
        "drug": drug,
    }


def _administration(n: int, moment: datetime, drug: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"ADM-national-suite-{n}",
        "start": moment.isoformat(),
        "route": ORAL,
        "administeredBy": _who(moment),
        "drug": drug,
    }


def _national_suite(today: date) -> dict[str, Any]:
    """Every shape a GetMedicationHistory producer can send, for the national producer test
    suite (`etjanst contracts --suite producer`): each drug choice in the prescription, the
    dispensation and an administration; structured and conditional dosages; a signed record and
    unsigned ones; a chain with preceding and succeeding links ending in a discontinuation;
    self-medication without a prescriber; a care contact; special characters; a relation; and
    every combination of prescription time, start and end of treatment (suite 8)."""
    b = _Builder(today, "national-suite")
    tablet = {"singleDose": {"low": 1, "unit": "tablett"}}
    product = {
        "name": "Alvedon",
        "nplId": "19750613000024",
        "atcCode": "N02BE01",
        "atcName": "Paracetamol",
        "route": ORAL,
        "form": "Tablett",
        "strength": 500,
        "strengthUnit": "mg",
        "dosages": [
            {
                "lengthOfTreatmentDays": {"high": 30, "unit": "d"},
                "isMaximumTreatmentTime": True,
                "dosageInstruction": "1 tablett vid behov",
                "unitDose": {"originalText": "tablett"},
                "shortNotation": "1 vb",
                **tablet,
            }
        ],
    }
    pack = {"packName": "Levaxin 100 mikrog tablett 100 st", "nplPackId": "19860214100045"}
    merchandise = {"merchandiseName": "Stödstrumpa klass 2", "merchandiseArticleNumber": "723456"}
    generics = {
        "genericSubstance": "Ibuprofen",
        "genericStrength": 400,
        "genericStrengthUnit": "mg",
        "genericForm": "Tablett",
        "dosages": [{"condition": "vid smärta", **tablet}],
    }
    free_text = {
        "unstructured": "Kaliumklorid mixtur 1 mmol/ml (extempore)",
        "dosages": [{"unstructuredDosage": "10 ml 2 gånger dagligen"}],
    }
    administered = {**product, "dosages": [tablet]}  # no dosageInstruction when administered
    no_drug = {
        name: None
        for name in (
            "name",
            "nplId",
            "atcCode",
            "atcName",
            "form",
            "strength",
            "strengthUnit",
            "dosageInstruction",
        )
    }

    first, second, third = b.at(400), b.at(200), b.at(100)
    chain = b.add(  # prescribed, ended (8.1); signed, every optional part of a prescription
        "Alvedon",
        first,
        drug_overrides={**no_drug, **product},
        endOfTreatment=(first + timedelta(days=190)).isoformat(),
        prescriptionStatus="Inactive",
        prescriberOrgUnitName="Tenhults vårdcentral",
        careContactId=SUITE_CARE_CONTACT,
        legalAuthenticator={"signatureTime": first.isoformat(), "name": "Doktor Synthetic"},
        treatmentPurpose=f"Smärta, specialtecken {SPECIAL_CHARACTERS}",
        prescriptionNote="Ta med vatten",
        principalPrescriptionReasons=[{"reason": PAIN, "otherReason": "Ryggsmärta"}],
        additionalPrescriptionReasons=[{"reason": FEVER}],
        evaluationTime=(first + timedelta(days=30)).isoformat(),
        startOfFirstTreatment=(first - timedelta(days=700)).isoformat(),
        endOfTreatmentReason={"originalText": "Behandlingen avslutad"},
        dateOfBirth="1961-03-14",
        gender={"code": "1", "codeSystem": "1.0.5218", "displayName": "Man"},
        evaluator=_who(first + timedelta(days=30), "Doktor Evaluator"),
        succeedingPrescriptionId="RX-national-suite-2",
        dispensationAuthorization=_dispensation(1, first, product),
        administrations=[_administration(1, first, administered)],
    )
    b.add(  # the chain's renewal: preceded and succeeded (5.9), a pack, prescribed (8.4)
        "Alvedon",
        second,
        chain=chain,
        drug_overrides={**no_drug, **pack, "dosages": [tablet]},
        precedingPrescriptionId="RX-national-suite-1",
        succeedingPrescriptionId="RX-national-suite-3",
        dispensationAuthorization=_dispensation(2, second, pack),
        administrations=[_administration(2, second, {**pack, "dosages": [tablet]})],
        relations=[
            {
                "code": {
                    "code": "caa-ga",
                    "codeSystem": "1.2.752.129.2.2.2.1",
                    "displayName": "Vårdkontakt",
                },
                "referredId": "VK-2026-0001",
                "referredType": "caa-ga",
                "informationOwner": TENHULT,
            }
        ],
    )
    b.add(  # the chain ends: a discontinuation registered without prescriber or start (8.3)
        "Alvedon",
        third,
        chain=chain,
        drug_overrides={**no_drug, **free_text},
        typeOfPrescription="U",
        prescriptionStatus="Inactive",
        selfMedication=True,
        prescriberName=None,
        prescriberHSAId=None,
        startOfTreatment=None,
        endOfTreatment=third.isoformat(),
        precedingPrescriptionId="RX-national-suite-2",
    )
    started = b.at(80)
    b.add(  # self-medication: merchandise, started and ended (8.2)
        "Alvedon",
        b.at(82),
        drug_overrides={**no_drug, **merchandise, "dosages": [tablet]},
        selfMedication=True,
        prescriberName=None,
        prescriberHSAId=None,
        startOfTreatment=started.isoformat(),
        endOfTreatment=(started + timedelta(days=20)).isoformat(),
        dispensationAuthorization=_dispensation(4, started, merchandise),
        administrations=[_administration(4, started, {**merchandise, "dosages": [tablet]})],
    )
    b.add(  # self-medication: generics, conditional dosage, started (8.5)
        "Alvedon",
        b.at(41),
        drug_overrides={**no_drug, **generics},
        selfMedication=True,
        prescriberName=None,
        prescriberHSAId=None,
        startOfTreatment=b.at(40).isoformat(),
        dispensationAuthorization=_dispensation(5, b.at(40), {**generics, "dosages": []}),
        administrations=[_administration(5, b.at(40), generics)],
    )
    b.add(  # free text, registered only (8.6), elsewhere, not for the patient
        "Alvedon",
        b.at(20),
        unit=EKSJO,
        careGiverHSAId="SE2321000057-1004",
        approvedForPatient=False,
        drug_overrides={**no_drug, **free_text},
        typeOfPrescription="U",
        selfMedication=True,
        prescriberName=None,
        prescriberHSAId=None,
        startOfTreatment=None,
        dispensationAuthorization=_dispensation(6, b.at(20), free_text),
        administrations=[_administration(6, b.at(20), {**free_text, "dosages": []})],
    )
    return b.patient(people.number("national-suite", today))


def _reserve_number(today: date) -> dict[str, Any]:
    """A reserve number (a local id with the region's own OID), as the suite's case 1.1.3 asks."""
    b = _Builder(today, "reserve-number")
    b.add("Furix", b.at(12))
    return {**b.patient(RESERVE_NUMBER), "idType": RESERVE_NUMBER_TYPE}
