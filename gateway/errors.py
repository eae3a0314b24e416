"""Errors the API answers with a problem document: each has a status and a stable code."""

from __future__ import annotations


class ApiError(Exception):
    status = 500
    code = "INTERNAL_ERROR"
    title = "Internal error"

    def __init__(self, detail: str, **members: object) -> None:
        """`members`: further members of the problem document (e.g. `alternative`)."""
        super().__init__(detail)
        self.detail = detail
        self.members = members


class BadRequest(ApiError):
    status, code, title = 400, "INVALID_REQUEST", "Bad request"


class InvalidUnit(ApiError):
    status, code, title = 400, "INVALID_UNIT", "Malformed unit id"


class Unauthenticated(ApiError):
    status, code, title = 401, "UNAUTHENTICATED", "Missing or invalid token"


class ProxyForbidden(ApiError):
    status, code, title = 403, "PROXY_NOT_ALLOWED", "Not allowed as proxy"


class NotGuardian(ApiError):
    status, code, title = 403, "NOT_GUARDIAN", "Not the child's guardian"


class ProtectedIdentity(ApiError):
    status, code, title = 403, "PROTECTED_IDENTITY", "The child's identity is protected"


class UnitNotFound(ApiError):
    status, code, title = 404, "UNIT_NOT_FOUND", "Unknown unit"


class ServiceNotOffered(ApiError):
    status, code, title = 404, "SERVICE_NOT_OFFERED", "The unit does not offer this e-service"


class UpstreamError(ApiError):
    """Something went wrong with an upstream; `upstream` names which one."""

    def __init__(self, upstream: str, detail: str) -> None:
        super().__init__(f"{upstream}: {detail}")
        self.upstream = upstream


class UpstreamFault(UpstreamError):
    status, code, title = 502, "UPSTREAM_FAULT", "The upstream answered with a SOAP fault"


class UpstreamInvalidResponse(UpstreamError):
    status, code, title = 502, "UPSTREAM_INVALID_RESPONSE", "The upstream's answer is unusable"


class UpstreamBusinessError(UpstreamError):
    status, code, title = 502, "UPSTREAM_ERROR", "The upstream could not carry out the request"


class UpstreamAccessDenied(UpstreamError):
    status, code, title = 403, "UPSTREAM_ACCESS_DENIED", "The upstream refused access"


class UpstreamUnavailable(UpstreamError):
    status, code, title = 503, "UPSTREAM_UNAVAILABLE", "The upstream is unavailable"


class UpstreamTimeout(UpstreamError):
    status, code, title = 504, "UPSTREAM_TIMEOUT", "The upstream did not answer in time"


# web booking ---------------------------------------------------------------------------------
class InvalidSlot(ApiError):
    status, code, title = 400, "INVALID_SLOT", "Not a bookable slot"


class AppointmentNotFound(ApiError):
    status, code, title = 404, "APPOINTMENT_NOT_FOUND", "No such appointment"


class SlotTaken(ApiError):
    status, code, title = 409, "SLOT_TAKEN", "The slot has been taken"


class CancelNotAllowed(ApiError):
    status, code, title = 422, "CANCEL_NOT_ALLOWED", "This appointment cannot be cancelled here"


class RebookNotAllowed(ApiError):
    status, code, title = 422, "REBOOK_NOT_ALLOWED", "This appointment cannot be rebooked here"
