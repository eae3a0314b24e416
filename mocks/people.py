"""The synthetic population every mock draws from: one labelled person has one identity number
and one name, whichever upstream is asked (the `child-12` of Cosmic is the `child-12` of the
population register). Valid identity numbers, never real people; those whose age is the point
are dated relative to 'today'.

A mock's default dataset picks the people it needs by label and adds its own facts about them
(records, custody, protected identity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from stdnum import luhn


@dataclass(frozen=True)
class Person:
    label: str
    number: str  # personnummer or samordningsnummer, 12 digits
    given_name: str  # all given names, as the register holds them
    surname: str
    called_name: int | None = None  # Tilltalsnamnsmarkering: 20 = the second given name

    @property
    def sex(self) -> str:
        """K or M: the födelsenummer's last digit, odd for men."""
        return "M" if int(self.number[10]) % 2 else "K"


def identity(birth: date, serial: int, coordination: bool = False) -> str:
    """A valid number for `birth` (a samordningsnummer, day + 60, when `coordination`)."""
    day = birth.day + (60 if coordination else 0)
    first = f"{birth:%Y%m}{day:02d}{serial:03d}"
    return first + luhn.calc_check_digit(first[2:])


def birth_date(number: str) -> date:
    """The birth date in an identity number (a samordningsnummer's day is + 60)."""
    return date(int(number[:4]), int(number[4:6]), int(number[6:8]) % 60)


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return date(today.year - years, 2, 28)


def people(today: date) -> dict[str, Person]:
    """Everyone, by label."""
    turns_16_today = years_before(today, 16)
    turns_20_today, turns_85_today = years_before(today, 20), years_before(today, 85)
    everyone = [
        Person("adult-rules", identity(date(1968, 4, 15), 238), "Anna Karin", "Lindqvist", 20),
        Person("linked-units", identity(date(1975, 9, 2), 164), "Maria", "Berg"),
        Person(
            "samordningsnummer",
            identity(date(1990, 3, 12), 273, coordination=True),
            "Jonas",
            "Ek",
        ),
        Person("turns-16-today", identity(turns_16_today, 126), "Elin", "Sjöberg"),
        Person(
            "turns-16-tomorrow",
            identity(turns_16_today + timedelta(days=1), 142),
            "Ida",
            "Holm",
        ),
        Person(
            "child-12",
            identity(years_before(today, 12) - timedelta(days=100), 185),
            "Oskar",
            "Lindqvist",
        ),
        Person("child-turns-13-today", identity(years_before(today, 13), 193), "Leo", "Lindqvist"),
        Person("no-records", identity(date(1983, 6, 21), 316), "Sara", "Nyström"),
        Person("many-records", identity(date(1952, 11, 3), 457), "Bengt", "Åkesson"),
        Person("parent-not-guardian", identity(date(1970, 6, 1), 279), "Peter", "Dahl"),
        Person(
            "child-protected",
            identity(years_before(today, 8) - timedelta(days=40), 208),
            "Alva",
            "Lindqvist",
        ),
        Person(
            "child-guardianship-ended",
            identity(years_before(today, 10) - timedelta(days=60), 224),
            "Ella",
            "Lindqvist",
        ),
        Person("deceased", identity(date(1940, 2, 10), 301), "Gösta", "Palm"),
        # the national producer test suite's patient (every shape of the contract)
        Person("national-suite", identity(date(1961, 3, 14), 419), "Ingrid", "Sundberg"),
        # outpatient fees (eFrikort)
        Person("paying", identity(date(1971, 3, 8), 238), "Lena", "Forsberg"),
        Person("free-card", identity(date(1958, 9, 30), 246), "Åsa", "Öberg"),
        Person("rolled-over", identity(date(1966, 1, 14), 254), "Karl", "Nilsson"),
        Person("turns-20-today", identity(turns_20_today, 297), "Moa", "Lund"),
        Person(
            "turns-20-tomorrow", identity(turns_20_today + timedelta(days=1), 305), "Alex", "Strand"
        ),
        Person("turns-85-today", identity(turns_85_today, 313), "Britt", "Wall"),
        Person(
            "turns-85-tomorrow", identity(turns_85_today + timedelta(days=1), 321), "Sven", "Björk"
        ),
        # web booking
        Person("booked-appointments", identity(date(1979, 3, 16), 238), "Mikael", "Strömberg"),
        # choice of care (listing)
        Person("listed", identity(date(1972, 5, 17), 238), "Johan", "Eklund"),
        Person("not-listed", identity(date(1990, 9, 3), 147), "Emma", "Sandberg"),
        Person("in-queue", identity(date(1979, 8, 30), 264), "Sofia", "Hedlund"),
        Person("limit-used", identity(date(1985, 1, 22), 153), "Erik", "Lindgren"),
        Person("limit-edge", identity(date(1958, 11, 2), 322), "Birgitta", "Holmberg"),
        Person("other-county", identity(date(1994, 3, 8), 215), "Anders", "Wikström"),
        Person(
            "child-8", identity(years_before(today, 8) - timedelta(days=40), 171), "Nils", "Eklund"
        ),
        Person(
            "child-consent",
            identity(years_before(today, 10) - timedelta(days=70), 196),
            "Wilma",
            "Eklund",
        ),
        Person("guardian", identity(date(1984, 5, 2), 262), "Greta", "Falk"),
        Person(
            "sibling-9", identity(years_before(today, 9) - timedelta(days=40), 270), "Tove", "Falk"
        ),
        Person(
            "sibling-15",
            identity(years_before(today, 15) - timedelta(days=10), 289),
            "Axel",
            "Falk",
        ),
    ]
    return {person.label: person for person in everyone}


def number(label: str, today: date) -> str:
    """The identity number of the person labelled `label`."""
    return people(today)[label].number
