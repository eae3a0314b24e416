"""The offerings' restrictions applied to the patient of a request: the citizen, or the child a
guardian acts for. Age comes from the identity number; the listing from the national listing
service and the registered county from the population register, each asked at most once per
request and only when an offering restricts on it. An upstream that cannot answer fails the
request (503/504), never lets it through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from gateway.domain.age import Caller
from gateway.domain.catalogue import CaseType, Restrictions
from gateway.domain.restrictions import (
    Patient,
    Restriction,
    eligibility_refusals,
    referral_missing,
)
from gateway.domain.units import Unit
from gateway.errors import ApiError
from gateway.services.guardianship import Guardianship
from gateway.services.listing import ListingService


class ServiceRestricted(ApiError):
    status, code, title = 403, "SERVICE_RESTRICTED", "The e-service is not for this patient"


class Eligibility:
    def __init__(
        self, listing: ListingService, guardianship: Guardianship, today: Callable[[], date]
    ) -> None:
        self.listing, self.guardianship, self.today = listing, guardianship, today

    def patient(self, caller: Caller) -> Patient:
        """The request's patient; build one per request, so each upstream is asked once."""

        @cache
        def listed_units() -> frozenset[str]:
            found = self.listing.overview(caller).listings
            return frozenset(i.facility.hsa_id.upper() for i in found if not i.in_queue)

        @cache
        def county() -> str | None:
            record = self.guardianship.records([caller.patient]).get(caller.patient.number)
            return None if record is None else record.county

        return Patient(caller.patient.birth_date, lambda u: u.upper() in listed_units(), county)

    def refusals(self, patient: Patient, unit: Unit, case_type: CaseType) -> list[Restriction]:
        return eligibility_refusals(case_type.restrictions, patient, unit.hsa_id, self.today())

    def check(self, caller: Caller, unit: Unit, case_type: CaseType, answers: Any) -> None:
        """Raises ServiceRestricted naming the first restriction the case does not meet."""
        found = self.refusals(self.patient(caller), unit, case_type)
        given = case_type.restrictions
        if isinstance(answers, dict) and referral_missing(given, answers):
            found.append(Restriction.REFERRAL_REQUIRED)
        if found:
            raise ServiceRestricted(
                f"{case_type.name}: {why(found[0], given, unit)}",
                restriction=found[0].value,
                restrictions=[r.value for r in found],
            )


def why(restriction: Restriction, given: Restrictions, unit: Unit) -> str:
    """The restriction as the citizen is told it."""
    match restriction:
        case Restriction.MIN_AGE:
            return f"for patients aged {given.min_age} or over"
        case Restriction.MAX_AGE:
            return f"for patients aged {given.max_age} or under"
        case Restriction.AREA:
            return f"for patients registered in county {', '.join(given.area)}"
        case Restriction.LISTING_REQUIRED:
            return f"for patients listed at {unit.name}"
        case Restriction.REFERRAL_REQUIRED:
            return "needs a referral: give it in the answer 'referral'"
