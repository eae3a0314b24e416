"""The gateway as a RIV-TA producer of eservicesupply:eoffering GetAvailableEServices: other
systems ask which e-services one or more units offer and get the same catalogue the citizen API
shows (`GET /v1/units/{unit}/e-services`), with the contract's restriction model.

Requests are read with the safe envelope parser and validated against our responder XSD; what
the contract refuses is a `soap:Client` fault (HTTP 500, as SOAP 1.1 over HTTP has it) whose
text says why, with identity numbers masked."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, request, send_from_directory
from lxml import etree
from lxml.builder import ElementMaker

from contracts.eoffering import (
    CORE_NS,
    ENDPOINT,
    EOFFERING_DIR,
    OPERATION,
    RESPONDER_NS,
    RESPONDER_XSD,
    SOAP_ACTION,
    WSDL,
)
from contracts.privacy import mask_text
from contracts.riv import (
    LOGICAL_ADDRESS,
    SAFE_PARSER,
    SOAP_ENV,
    XML_CONTENT_TYPE,
    EnvelopeError,
    read_envelope,
)
from gateway.api.guards import registered_unit
from gateway.domain.catalogue import CaseType, Restrictions
from gateway.domain.units import Unit
from gateway.errors import ApiError
from gateway.runtime import runtime

blueprint = Blueprint("eoffering", __name__)

REQUEST = f"{{{RESPONDER_NS}}}{OPERATION}"
FACILITY = f"{{{RESPONDER_NS}}}healthcare_facility"
_responder = ElementMaker(namespace=RESPONDER_NS, nsmap={"eo": RESPONDER_NS, "core": CORE_NS})
_core = ElementMaker(namespace=CORE_NS)


class ClientFault(ValueError):
    """A request the contract refuses; the text says why."""


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(RESPONDER_XSD), SAFE_PARSER))


@blueprint.get(ENDPOINT)
def wsdl() -> Response:
    """The WSDL (`?wsdl`), its address the one it was asked at; the XSDs lie beside it."""
    text = WSDL.read_text(encoding="utf-8").replace("__SERVICE_ADDRESS__", request.base_url)
    return Response(text, content_type=XML_CONTENT_TYPE)


@blueprint.get(f"{ENDPOINT.rsplit('/', 1)[0]}/<name>.xsd")
def xsd(name: str) -> Response:
    return send_from_directory(EOFFERING_DIR, f"{name}.xsd", mimetype="text/xml")


@blueprint.post(ENDPOINT)
def get_available_eservices() -> Response:
    try:
        units = [_unit(hsa_id) for hsa_id in _facilities()]
    except ClientFault as exc:
        return _envelope(_fault(mask_text(str(exc))), status=500)
    catalogue = runtime().casework.catalogue
    answer = _responder.GetAvailableEServicesResponse(
        *(_available(unit, catalogue.offered(unit)) for unit in units)
    )
    return _envelope(answer)


def _facilities() -> list[str]:
    """The units asked about, from a request that passed the responder XSD."""
    try:
        message = read_envelope(request.get_data())
    except EnvelopeError as exc:
        raise ClientFault(f"the request is {exc}") from exc
    action = request.headers.get("SOAPAction", "").strip('"')
    if action and action != SOAP_ACTION:
        raise ClientFault(f"SOAPAction {action} is not {SOAP_ACTION}")
    if message.payload.tag != REQUEST:
        raise ClientFault(f"{message.payload.tag} is not {REQUEST}")
    schema = _schema()
    if not schema.validate(message.payload):
        problems = "; ".join(f"line {e.line}: {e.message}" for e in schema.error_log)
        raise ClientFault(f"the request violates the schema: {problems}")
    if not message.header_text(LOGICAL_ADDRESS):
        raise ClientFault("the LogicalAddress header is missing")
    return [(element.text or "").strip() for element in message.payload.iter(FACILITY)]


def _unit(hsa_id: str) -> Unit:
    try:
        return registered_unit(hsa_id)
    except ApiError as exc:
        raise ClientFault(f"healthcare_facility {hsa_id}: {exc.detail}") from exc


def _available(unit: Unit, offered: list[CaseType]) -> etree._Element:
    return _responder.availableEServices(
        _responder.healthcare_facility(
            _core.healthcare_facility(unit.hsa_id), _core.healthcare_facility_name(unit.name)
        ),
        *(
            _responder.eservice(
                _core.commonName(case_type.name),
                _core.description(case_type.description),
                _core.resourceId(case_type.id),
                _restrictions(case_type.restrictions),
            )
            for case_type in offered
        ),
    )


def _restrictions(given: Restrictions) -> etree._Element:
    """In the contract's order: area (county codes), listing, referral, then the ages."""
    element = _core.restrictions()
    if given.area:
        element.append(_core.eserviceAreaCode(*(_core.countycode(code) for code in given.area)))
    element.append(_core.listing(_boolean(given.listing_required)))
    element.append(_core.referal(_boolean(given.referral_required)))
    for tag, age in (("ageMin", given.min_age), ("ageMax", given.max_age)):
        if age is not None:
            element.append(_core(tag, str(age)))
    return element


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _fault(message: str) -> etree._Element:
    fault = etree.Element(f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap:Client"
    etree.SubElement(fault, "faultstring").text = message
    return fault


def _envelope(payload: etree._Element, status: int = 200) -> Response:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(payload)
    body = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    return Response(body, status=status, content_type=XML_CONTENT_TYPE)
