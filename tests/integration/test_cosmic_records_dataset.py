"""Every record of every patient of the default Cosmic dataset, as the mock answers it over
HTTP, reads the same through the gateway's one-pass reader as through plain ElementPath."""

from __future__ import annotations

from collections.abc import Callable

import requests
from lxml import etree

from contracts.cosmic import CORE_NS, RESPONDER_NS
from gateway.domain.ordinations import Drug
from gateway.upstreams.cosmic import parse_medication_history
from gateway.upstreams.riv_xml import boolean, number, timestamp
from tests.conftest import PNR_OID
from tests.unit.test_cosmic_records import comparable

NS = {"c": CORE_NS, "r": RESPONDER_NS}
AUTHOR = "c:medicationMedicalRecordHeader/c:accountableHealthcareProfessional"
RX = "c:medicationMedicalRecordBody/c:medicationPrescription"
DRUG, GENERICS = f"{RX}/c:drug/c:drug", f"{RX}/c:drug/c:generics"


def expected(record: etree._Element) -> tuple[object, ...] | None:
    """A record as the contract's paths say, read one path at a time."""

    def text(path: str) -> str | None:
        return (record.findtext(path, namespaces=NS) or "").strip() or None

    authored_at = timestamp(
        text(f"{RX}/c:prescriber/c:authorTime") or text(f"{AUTHOR}/c:authorTime")
    )
    rx_id = text(f"{RX}/c:prescriptionId/c:extension") or text(f"{RX}/c:prescriptionId/c:root")
    if authored_at is None or rx_id is None:
        return None
    chain = [text(f"{RX}/c:prescriptionChainId/c:{part}") for part in ("root", "extension")]
    unit = text(f"{AUTHOR}/c:healthcareProfessionalCareUnitHSAId")
    strength = number(text(f"{DRUG}/c:strength"))
    return (
        rx_id,
        f"{chain[0] or ''}/{chain[1] or ''}" if any(chain) else None,
        authored_at,
        unit.upper() if unit else None,
        boolean(text("c:medicationMedicalRecordHeader/c:approvedForPatient")),
        boolean(text("c:medicationMedicalRecordHeader/c:nullified")),
        text(f"{RX}/c:typeOfPrescription") == "U",
        Drug(
            npl_name=text(f"{DRUG}/c:nplId/c:displayName"),
            pack_name=text(f"{RX}/c:drug/c:drugArticle/c:nplPackId/c:displayName"),
            merchandise_name=text(f"{RX}/c:drug/c:merchandise/c:articleNumber/c:displayName"),
            unstructured=text(
                f"{RX}/c:drug/c:unstructuredDrugInformation/c:unstructuredInformation"
            ),
            generic_substance=text(f"{GENERICS}/c:substance"),
            npl_id=text(f"{DRUG}/c:nplId/c:code"),
            atc_code=text(f"{DRUG}/c:atcCode/c:code"),
            form=text(f"{DRUG}/c:pharmaceuticalForm") or text(f"{GENERICS}/c:form"),
            strength=strength
            if strength is not None
            else number(text(f"{GENERICS}/c:strength/c:value")),
            strength_unit=text(f"{DRUG}/c:strengthUnit")
            if strength is not None
            else text(f"{GENERICS}/c:strength/c:unit"),
        ),
    )


def test_every_record_of_the_default_dataset_reads_as_its_paths_say(
    cosmic_call: Callable[..., requests.Response], patients: dict[str, str]
) -> None:
    compared = 0
    for number_ in patients.values():
        response = cosmic_call(patientId={"id": number_, "type": PNR_OID})
        assert response.status_code == 200, response.text
        answer = etree.fromstring(response.content)[1][0]
        want = [
            e
            for e in map(expected, answer.iterfind("r:medicationMedicalRecord", NS))
            if e is not None
        ]
        got = [comparable(r) for r in parse_medication_history(answer).records]
        assert got == want
        compared += len(got)
    assert compared > 2000  # the large patient and every other one
