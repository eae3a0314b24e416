"""The default dataset: every labelled person of the synthetic population (mocks/people.py)
with a name, and the relations the proxy rules turn on. Dated relative to 'today'.

`adult-rules` has custody of `child-12`, `child-turns-13-today` and `child-protected` (protected
identity), and had custody of `child-guardianship-ended` until yesterday. `parent-not-guardian`
is `child-12`'s father without custody. `deceased` died a month ago. `guardian` has custody of
`sibling-9` and `sibling-15` (the eFrikort family card), `listed` of `child-8` and
`child-consent` (the listing service's children).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mocks.people import Person, birth_date, people

CUSTODY_OF_ADULT_RULES = ("child-12", "child-turns-13-today", "child-protected")
# guardian -> the children in their custody, besides adult-rules' (eFrikort's family card, the
# listing service's children)
OTHER_FAMILIES = {"guardian": ("sibling-9", "sibling-15"), "listed": ("child-8", "child-consent")}


def _resident(person: Person, today: date) -> dict[str, Any]:
    resident: dict[str, Any] = {
        "id": person.number,
        "label": person.label,
        "givenName": person.given_name,
        "surname": person.surname,
        "sex": person.sex,
    }
    if person.called_name is not None:
        resident["calledName"] = person.called_name
    if person.label == "child-protected":
        resident["protectedIdentity"] = True
    if person.label == "other-county":  # registered in Växjö, Kronobergs län
        resident.update(county="07", municipality="80")
    if person.label == "deceased":
        resident["deceasedOn"] = (today - timedelta(days=30)).isoformat()
    return resident


def default_dataset(today: date) -> dict[str, Any]:
    everyone = people(today)
    guardian = everyone["adult-rules"]
    custody = [
        {
            "guardian": guardian.number,
            "child": everyone[label].number,
            "fromDate": birth_date(everyone[label].number).isoformat(),
        }
        for label in CUSTODY_OF_ADULT_RULES
    ]
    ended = everyone["child-guardianship-ended"]
    custody.append(
        {
            "guardian": guardian.number,
            "child": ended.number,
            "fromDate": birth_date(ended.number).isoformat(),
            "toDate": (today - timedelta(days=1)).isoformat(),
        }
    )
    parents = [
        {"parent": guardian.number, "child": everyone[label].number, "type": "MO"}
        for label in (*CUSTODY_OF_ADULT_RULES, "child-guardianship-ended")
    ]
    parents.append(
        {
            "parent": everyone["parent-not-guardian"].number,
            "child": everyone["child-12"].number,
            "type": "FA",
        }
    )
    for adult, children in OTHER_FAMILIES.items():
        guardian_number = everyone[adult].number
        for label in children:
            child = everyone[label].number
            custody.append(
                {
                    "guardian": guardian_number,
                    "child": child,
                    "fromDate": birth_date(child).isoformat(),
                }
            )
            kind = "FA" if everyone[adult].sex == "M" else "MO"
            parents.append({"parent": guardian_number, "child": child, "type": kind})
    return {
        "residents": [_resident(person, today) for person in everyone.values()],
        "custody": custody,
        "parents": parents,
    }
