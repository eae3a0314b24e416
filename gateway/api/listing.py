"""Choice of care: GET/POST /v1/listing, GET /v1/listing/facilities and
GET /v1/listing/facilities/{hsaId}/personnel. Not per unit: the caller is all that is needed."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gateway.api.guards import authenticated_caller
from gateway.api.idempotent import idempotent
from gateway.domain.age import Caller
from gateway.domain.listing import PRIMARY_CARE, Facility, Listing, ListingChange, Personnel
from gateway.domain.units import MalformedUnitId, normalise_unit_id
from gateway.errors import ApiError, BadRequest
from gateway.runtime import runtime
from gateway.services.listing import ListingMade

blueprint = Blueprint("listing", __name__)

HSA_ID = r"^[Ss][Ee](?:[0-9]{10}|16[0-9]{10})-[A-Za-z0-9]{1,20}$"
LISTING_TYPE = re.compile(r"[A-Z0-9]{1,10}")


class InvalidFacility(ApiError):
    status, code, title = 400, "INVALID_FACILITY", "Malformed facility id"


class ListingRequest(BaseModel):
    """The body of POST /v1/listing (the OpenAPI schema says the same)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    facilityHsaId: str = Field(pattern=HSA_ID)
    type: str = Field(PRIMARY_CARE, pattern=r"^[A-Z0-9]{1,10}$")
    personnelHsaId: str | None = Field(None, pattern=HSA_ID)
    addToQueue: bool = False


@blueprint.get("/v1/listing")
def listing() -> Response:
    caller = authenticated_caller()
    overview = runtime().listing.overview(caller)
    return jsonify(
        county=overview.county,
        listings=[render_listing(item) for item in overview.listings],
        changesLeft=overview.changes_left,
        notice=overview.notice,
    )


@blueprint.post("/v1/listing")
def choose() -> Response:
    caller = authenticated_caller()
    change = _change(request.get_json(silent=True))
    acting_for = caller.acting_for.number if caller.acting_for else ""
    return idempotent(
        f"listing\0{caller.subject.number}\0{acting_for}", lambda: _made(caller, change)
    )


@blueprint.get("/v1/listing/facilities")
def facilities() -> Response:
    authenticated_caller()
    listing_type = request.args.get("type", PRIMARY_CARE)
    if not LISTING_TYPE.fullmatch(listing_type):
        raise BadRequest("type is a listing type code such as PV")
    found = runtime().listing.facilities(listing_type)
    return jsonify(facilities=[render_facility(f) for f in found])


@blueprint.get("/v1/listing/facilities/<hsa_id>/personnel")
def personnel(hsa_id: str) -> Response:
    caller = authenticated_caller()
    try:
        facility_id = normalise_unit_id(hsa_id)
    except MalformedUnitId as exc:
        raise InvalidFacility("a facility id is an HSA-id such as SE2321000057-5VTN") from exc
    facility, people = runtime().listing.personnel(caller, facility_id)
    return jsonify(
        facility={"hsaId": facility.hsa_id, "name": facility.name},
        personnel=[render_personnel(p) for p in people],
    )


def _change(body: Any) -> ListingChange:
    try:
        parsed = ListingRequest.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "body"
        raise BadRequest(f"{where}: {first['msg']}") from exc
    return ListingChange(
        facility=parsed.facilityHsaId.upper(),
        type=parsed.type,
        personnel=parsed.personnelHsaId.upper() if parsed.personnelHsaId else None,
        add_to_queue=parsed.addToQueue,
    )


def _made(caller: Caller, change: ListingChange) -> Response:
    made: ListingMade = runtime().listing.choose(caller, change)
    response = jsonify(
        county=made.county,
        listing=render_listing(made.listing),
        changesLeft=made.changes_left,
        notice=made.notice,
    )
    response.status_code = 201
    response.headers["Location"] = "/v1/listing"
    return response


def render_listing(item: Listing) -> dict[str, Any]:
    return {
        "type": {"code": item.type.code, "name": item.type.name},
        "facility": {"hsaId": item.facility.hsa_id, "name": item.facility.name},
        "personnel": render_personnel(item.personnel) if item.personnel else None,
        "validFrom": item.valid_from.isoformat() if item.valid_from else None,
        "validTo": item.valid_to.isoformat() if item.valid_to else None,
        "inQueue": item.in_queue,
        "queuePosition": item.queue_position,
        "estimatedWait": item.estimated_wait_days,
    }


def render_facility(facility: Facility) -> dict[str, Any]:
    return {
        "hsaId": facility.hsa_id,
        "name": facility.name,
        "hasQueue": facility.has_queue,
        "queueLength": facility.queue_length,
        "estimatedWait": facility.estimated_wait_days,
        "personnelChoice": facility.personnel_choice,
        "listingTypes": list(facility.listing_types),
    }


def render_personnel(person: Personnel) -> dict[str, Any]:
    return {"hsaId": person.hsa_id, "name": person.name, "title": person.title}
