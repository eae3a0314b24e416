"""Benchmark web booking: the gateway's slot list and booking against the same crm:scheduling
calls made straight to the built-in Cosmic mock.

Listing a week of free slots at Tenhult under a closed-loop load, and booking one request at a
time (each request books another free slot, so nothing is refused). Target, printed and never
asserted: the gateway's slot-list throughput at least 50 % of direct.

    python bench/bench_booking.py [--smoke] [--duration 10] [--clients 8] [--json FILE]
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import requests
from harness import (
    BenchError,
    Case,
    Latency,
    Pair,
    Request,
    Server,
    Throughput,
    main,
    zeep_envelope,
)
from lxml import etree

from contracts.cosmic import UPSTREAM
from contracts.cosmic.scheduling import GET_TIMESLOTS, MAKE_BOOKING, SchedulingInteraction
from gateway.auth import mint_token
from gateway.settings import Settings

UNIT = "SE2321000057-5VTN"
PATIENT = "adult-rules"
DEFAULTS = Settings.model_construct()  # what `etjanst up` runs with under the bench


def envelope(interaction: SchedulingInteraction, patient: str, **arguments: Any) -> bytes:
    """The request the gateway sends, built by zeep from the same WSDL and headers."""
    headers = {
        "LogicalAddress": UNIT,
        "Actor": {"actorId": patient, "actorType": "subject_of_care"},
    }
    return zeep_envelope(interaction.wsdl, interaction.operation, headers, **arguments)


def soap_headers(interaction: SchedulingInteraction) -> dict[str, str]:
    return {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{interaction.soap_action}"',
        "x-rivta-original-serviceconsumer-hsaid": DEFAULTS.consumer_hsa_id,
    }


def endpoint(interaction: SchedulingInteraction) -> str:
    return f"{UPSTREAM.mock_path}/{UPSTREAM.interaction(interaction.operation).path}"


def counted(tag: str, what: str) -> Callable[[requests.Response], str]:
    def describe(response: requests.Response) -> str:
        found = etree.fromstring(response.content).findall(f".//{{*}}{tag}")
        if not found:
            raise BenchError(f"no {tag} in the answer")
        return f"{len(found)} {what}"

    return describe


def slot_list(response: requests.Response) -> str:
    slots = response.json()["slots"]
    if not slots:
        raise BenchError("no free slots")
    return f"{len(slots)} slots"


def booked(response: requests.Response) -> str:
    if "id" not in response.json():
        raise BenchError("no appointment id")
    return "1 appointment"


def made(response: requests.Response) -> str:
    code = etree.fromstring(response.content).findtext(".//{*}resultCode")
    if code != "OK":
        raise BenchError(f"resultCode {code!r}")
    return "1 booking"


def one_at_a_time(bodies: list[bytes]) -> Callable[[], bytes]:
    """Each call the next body; thread-safe, and a clear error when they run out."""
    lock, items = threading.Lock(), iter(bodies)

    def take() -> bytes:
        with lock:
            try:
                return next(items)
            except StopIteration:
                raise BenchError("out of free slots to book: ask for fewer requests") from None

    return take


def free_slots(server: Server, bearer: dict[str, str], first: date) -> Iterator[dict[str, Any]]:
    with requests.Session() as session:
        response = session.get(
            f"{server.url}/v1/units/{UNIT}/slots",
            params={"from": first.isoformat(), "to": (first + timedelta(days=30)).isoformat()},
            headers=bearer,
            timeout=30,
        )
    response.raise_for_status()
    return iter(response.json()["slots"])


def local(moment: str) -> str:
    return f"{datetime.fromisoformat(moment):%Y%m%d%H%M%S}"


def cases(server: Server) -> list[Case]:
    patient = server.patient_ids("cosmic", PATIENT)[PATIENT]
    bearer = {"Authorization": f"Bearer {mint_token(server.secret, patient)}"}
    week = server.today + timedelta(days=7), server.today + timedelta(days=13)
    listing = Pair(
        gateway=Request(
            "GET",
            f"/v1/units/{UNIT}/slots?from={week[0]}&to={week[1]}",
            slot_list,
            bearer,
        ),
        direct=Request(
            "POST",
            endpoint(GET_TIMESLOTS),
            counted("timeslotDetail", "timeslots"),
            soap_headers(GET_TIMESLOTS),
            envelope(
                GET_TIMESLOTS,
                patient,
                healthcare_facility=UNIT,
                startDateInclusive=f"{week[0]:%Y%m%d}",
                endDateInclusive=f"{week[1]:%Y%m%d}",
            ),
        ),
    )
    # every other free slot to each variant, so neither ever finds one taken
    slots = list(free_slots(server, bearer, server.today + timedelta(days=1)))
    for_gateway, for_direct = slots[0::2], slots[1::2]
    gateway_bodies = [json.dumps({"slotId": s["id"]}).encode() for s in for_gateway]
    direct_bodies = [
        envelope(
            MAKE_BOOKING,
            patient,
            healthcare_facility_med=UNIT,
            requestedTimeslot={
                "startTimeInclusive": local(s["start"]),
                "endTimeExclusive": local(s["end"]),
                "healthcare_facility": UNIT,
                "performer": s["performer"]["id"],
                "subject_of_care": patient,
                "timeTypeID": s["timeType"]["id"],
            },
            subject_of_care_info={"firstName": "", "lastName": ""},
        )
        for s in for_direct
    ]
    booking = Pair(
        gateway=Request(
            "POST",
            f"/v1/units/{UNIT}/appointments",
            booked,
            {**bearer, "Content-Type": "application/json"},
            one_at_a_time(gateway_bodies),
        ),
        direct=Request(
            "POST",
            endpoint(MAKE_BOOKING),
            made,
            soap_headers(MAKE_BOOKING),
            one_at_a_time(direct_bodies),
        ),
    )
    return [
        Throughput("A week of free slots at Tenhult", listing, min_ratio_pct=50),
        Latency(f"Booking a slot ({len(slots)} free to book)", booking),
    ]


if __name__ == "__main__":
    sys.exit(main(cases, __doc__ or ""))
