"""Everything that lives in the gateway's database, built once per process: the catalogue, the
cases and the idempotency keys."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.services.cases import Cases
from gateway.services.catalogue import Catalogue
from gateway.services.eligibility import Eligibility
from gateway.services.patient_access import PatientAccessLog
from gateway.services.renew_prescription import RenewPrescription
from gateway.settings import Settings
from gateway.store import open_store
from gateway.store.idempotency import Idempotency


@dataclass(frozen=True)
class Casework:
    catalogue: Catalogue
    cases: Cases
    idempotency: Idempotency
    eligibility: Eligibility  # the offerings' restrictions, applied to a request's patient
    patient_access: PatientAccessLog  # staff seeing a patient's identity (PDL)

    @classmethod
    def build(
        cls, settings: Settings, renew_prescription: RenewPrescription, eligibility: Eligibility
    ) -> Casework:
        engine = open_store(settings.store.database_url())
        catalogue = Catalogue(engine)
        return cls(
            catalogue=catalogue,
            cases=Cases(engine, catalogue, renew_prescription, eligibility, settings.today_date),
            idempotency=Idempotency(engine),
            eligibility=eligibility,
            patient_access=PatientAccessLog(engine),
        )
