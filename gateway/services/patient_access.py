"""Staff seeing who a case is about. Care staff need the full identity number to find the
patient in the record system; Patientdatalagen (PDL) requires every such access to be logged:
who (the staff member's HSA-id), which case, when. The entry is kept in the gateway's database
for the care giver's log review, and written as a log line with the number masked."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from contracts.privacy import mask
from gateway.store.tables import patient_access_log

log = logging.getLogger("etjanst.access")


class PatientAccessLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, staff: str, unit: str, case_id: str, patient: str) -> None:
        at = datetime.now(UTC).replace(microsecond=0)
        with self.engine.begin() as connection:
            connection.execute(
                insert(patient_access_log).values(
                    at=at, staff=staff, unit=unit, case_id=case_id, patient=patient
                )
            )
        log.info(
            "patient identity shown: staff %s, unit %s, case %s, patient %s, at %s",
            staff,
            unit,
            case_id,
            mask(patient),
            at.isoformat(),
        )
