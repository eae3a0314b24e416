"""The SOAP/RIV-TA adapter: each interaction at its own endpoint with its WSDL (served at
`?wsdl`, its XSDs beside it), SOAPAction, and the responder XSD that requests are validated
against and answers are built to; the LogicalAddress header; SOAP 1.1 faults (`soap:Client` for
what the producer would refuse, `soap:Server` otherwise) and the SOAP fault types."""

from __future__ import annotations

import threading
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from flask import Blueprint, Response, request, send_from_directory
from lxml import etree
from pydantic import Field

from contracts.privacy import mask_text
from contracts.riv import (
    LOGICAL_ADDRESS,
    SAFE_PARSER,
    SOAP_ENV,
    XML_CONTENT_TYPE,
    Envelope,
    EnvelopeError,
    read_envelope,
)
from mocks.kit import rules
from mocks.kit.fields import Line, Text
from mocks.kit.mock import ClientError, Incoming, InvalidMockResponse, Mock, request_body


class SoapFaultFault(rules.Rule):
    type: Literal["soap_fault"]
    code: Line = Field("VP009", description="RIV-TA platform code put first in the faultstring")
    message: Text = "Error connecting to service producer"
    faultcode: Literal["Client", "Server"] = "Server"


class ResultFault(rules.Rule):
    """A business outcome instead of a technical one: the answer carries this result code."""

    type: Literal["result"]
    resultCode: Literal["INFO", "ERROR"]
    # RIV-TA's ErrorCodeEnum (ResultType/errorCode)
    errorCode: (
        Literal["INVALID_REQUEST", "TRANSFORMATION_ERROR", "APPLICATION_ERROR", "TECHNICAL_ERROR"]
        | None
    ) = None
    message: Text = ""


SOAP_FAULTS: tuple[type[rules.Rule], ...] = (*rules.COMMON_FAULTS, SoapFaultFault, ResultFault)


class Schema:
    """An XSD loaded from disk (relative imports resolved locally)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._schema = etree.XMLSchema(etree.parse(str(path), SAFE_PARSER))

    def errors(self, element: etree._Element) -> list[str]:
        if self._schema.validate(element):
            return []
        return [f"line {e.line}: {e.message}" for e in self._schema.error_log]


@cache
def _schema(path: Path) -> Schema:
    return Schema(path)


@dataclass(frozen=True)
class Call:
    """What an operation handler gets: the request, the mock's state, today, any business
    result to apply, and the schema every piece of the answer must pass."""

    request: Envelope
    logical_address: str
    backend: Any
    today: date
    result: ResultFault | None
    schema: Schema

    def validated(self, element: etree._Element) -> etree._Element:
        errors = self.schema.errors(element)
        if errors:
            raise InvalidMockResponse(errors[0])
        return element

    def validated_children(self, element: etree._Element) -> bytes:
        """The element (with children) validated, and its children's XML as it carries them:
        the part of an answer that goes inside the element's answer_frame."""
        whole = etree.tostring(self.validated(element))
        return whole[whole.index(b">") + 1 : whole.rindex(b"</")]


def answer_frame(schema: Schema, element: etree._Element) -> tuple[bytes, bytes]:
    """An answer element without children, validated, as the bytes that go before and after its
    children: for an answer assembled from parts validated one by one (Call.validated_children),
    so that no request validates the whole answer."""
    errors = schema.errors(element)
    if errors:
        raise InvalidMockResponse(errors[0])
    element.text = ""  # serialised with an end tag to split at
    start, end = etree.tostring(element).split(b"></", 1)
    return start + b">", b"</" + end


@dataclass(frozen=True)
class SoapOperation:
    name: str  # the upstream's interaction (its endpoint path comes from the registry)
    element: str  # the request payload's QName
    soap_action: str
    wsdl: Path
    schema: Path  # the responder XSD: validates requests and answers
    # The Body payload as XML bytes, built only from parts that passed call.validated() (so
    # the answer is valid without validating megabytes on every request).
    handler: Callable[[Call], bytes]
    patient: Callable[[etree._Element], str | None]  # where the request names the patient
    # What the handler gets as `call.backend`; None: the mock's own backend(). For operations
    # that keep state of their own next to a mock's other operations.
    backend: Callable[[Any], Any] | None = None


ENVELOPE_START = (
    b"<?xml version='1.0' encoding='UTF-8'?>\n"
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    b"<soap:Header/><soap:Body>"
)
ENVELOPE_END = b"</soap:Body></soap:Envelope>"


def envelope(payload: bytes) -> bytes:
    """Wrap a serialised Body payload (which declares its own namespaces)."""
    return ENVELOPE_START + payload + ENVELOPE_END


def fault(code: str, message: str, detail: etree._Element | None = None) -> bytes:
    """A SOAP 1.1 fault; `code` is Client or Server (the RIV-TA platform codes go in the text).
    `detail`: the contract's fault element (e.g. an ApplicationException), when it has one."""
    body = etree.Element(f"{{{SOAP_ENV}}}Fault", nsmap={"soap": SOAP_ENV})
    etree.SubElement(body, "faultcode").text = f"soap:{code}"
    etree.SubElement(body, "faultstring").text = message
    if detail is not None:
        etree.SubElement(body, "detail").append(detail)
    return envelope(etree.tostring(body))


UNDECLARED_NS = "urn:etjanst:mocks:undeclared:1"


class SoapMock(Mock):
    operations: ClassVar[tuple[SoapOperation, ...]]
    fault_types = SOAP_FAULTS
    content_type = XML_CONTENT_TYPE
    # the routing header: RIVTABP21's LogicalAddress; RIVTABP20 contracts use wsa:To
    logical_address_header: ClassVar[str] = LOGICAL_ADDRESS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wsdl_templates = {  # read once, not per GET
            op.name: op.wsdl.read_text(encoding="utf-8") for op in self.operations
        }
        self._valid_requests = ValidRequests()

    def blueprint(self) -> Blueprint:
        soap = Blueprint(f"{self.name}_soap", __name__, url_prefix=self.upstream.mock_path)
        schema_dirs: dict[str, Path] = {}
        for operation in self.operations:
            path = self.upstream.interaction(operation.name).path
            soap.add_url_rule(
                f"/{path}", f"wsdl_{operation.name}", self._wsdl_view(operation), methods=["GET"]
            )
            soap.add_url_rule(
                f"/{path}", f"call_{operation.name}", self._call_view(operation), methods=["POST"]
            )
            schema_dirs[path.rsplit("/", 1)[0]] = operation.wsdl.parent
        for number, (directory, files) in enumerate(schema_dirs.items()):
            soap.add_url_rule(
                f"/{directory}/<name>.xsd", f"xsd_{number}", _xsd_view(files), methods=["GET"]
            )
        return soap

    def _wsdl_view(self, operation: SoapOperation) -> Callable[[], Response]:
        def wsdl() -> Response:
            text = self._wsdl_templates[operation.name]
            return Response(
                text.replace("__SERVICE_ADDRESS__", request.base_url),
                content_type=XML_CONTENT_TYPE,
            )

        return wsdl

    def _call_view(self, operation: SoapOperation) -> Callable[[], Response]:
        def call() -> Response:
            return self.handle(lambda: self._read(operation))

        return call

    def _read(self, operation: SoapOperation) -> Incoming:
        body = request_body()
        message = self._valid_requests.get(operation.name, body)
        if message is None:
            message = self._valid(operation, body)
            self._valid_requests.put(operation.name, body, message)
        else:
            _check_action(operation)
        logical_address = message.header_text(self.logical_address_header)
        if not logical_address:
            name = etree.QName(self.logical_address_header).localname
            raise ClientError(f"the {name} SOAP header (the logical address) is missing")
        patient = operation.patient(message.payload)
        return Incoming(operation.name, patient, logical_address, (operation, message))

    @staticmethod
    def _valid(operation: SoapOperation, body: bytes) -> Envelope:
        """The request read and checked against the operation and its schema."""
        try:
            message = read_envelope(body)
        except EnvelopeError as exc:
            raise ClientError(f"the request is {exc}") from exc
        if message.payload.tag != operation.element:
            raise ClientError(
                f"unknown operation element {message.payload.tag} at the {operation.name} endpoint"
            )
        _check_action(operation)
        errors = _schema(operation.schema).errors(message.payload)
        if errors:
            raise ClientError("the request violates the schema: " + "; ".join(errors))
        return message

    def invoke(self, incoming: Incoming, business: rules.Rule | None) -> Response:
        operation, message = incoming.message
        call = Call(
            message,
            incoming.logical_address or "",
            operation.backend(self) if operation.backend else self.backend(),
            self.config.today_date(),
            business if isinstance(business, ResultFault) else None,
            _schema(operation.schema),
        )
        return Response(envelope(operation.handler(call)), content_type=XML_CONTENT_TYPE)

    def is_business(self, fault: rules.Rule) -> bool:
        return isinstance(fault, ResultFault)

    def protocol_fault(self, chosen: rules.Rule) -> Response | None:
        if isinstance(chosen, SoapFaultFault):
            return self._fault(chosen.faultcode, f"{chosen.code} {chosen.message}".strip())
        return None

    def with_undeclared(self, body: bytes) -> bytes:
        """An element in a namespace the contract does not know at the payload's end and at
        the end of its first child, where a newer producer would add one."""
        document = etree.fromstring(body, SAFE_PARSER)
        payload = _payload(document)
        for parent in (payload, next(payload.iterchildren(tag=etree.Element), None)):
            if parent is not None:
                etree.SubElement(parent, f"{{{UNDECLARED_NS}}}undeclared").text = "added by a fault"
        return etree.tostring(document, xml_declaration=True, encoding="UTF-8")

    def enlarged(self, body: bytes, records: int) -> bytes:
        """The payload's most frequent child (its records; the first in order on a tie)
        repeated up to `records`, each copy right after the last of its kind."""
        document = etree.fromstring(body, SAFE_PARSER)
        children = [c for c in _payload(document) if isinstance(c.tag, str)]
        if not children:
            return body
        tags = [c.tag for c in children]
        record = max(dict.fromkeys(tags), key=tags.count)
        found = [c for c in children if c.tag == record]
        last = found[-1]
        for n in range(records - len(found)):
            copy = deepcopy(found[n % len(found)])
            last.addnext(copy)
            last = copy
        return etree.tostring(document, xml_declaration=True, encoding="UTF-8")

    def malformed(self) -> Response:
        return Response(envelope(b"<Truncated>")[:-20], content_type=XML_CONTENT_TYPE)

    def client_error(self, message: str) -> Response:
        return self._fault("Client", message)

    def server_error(self, message: str) -> Response:
        return self._fault("Server", message)

    def _fault(self, code: str, message: str, detail: etree._Element | None = None) -> Response:
        return Response(
            fault(code, mask_text(message), detail), status=500, content_type=XML_CONTENT_TYPE
        )


def _check_action(operation: SoapOperation) -> None:
    action = request.headers.get("SOAPAction", "").strip('"')
    if action and action != operation.soap_action:
        raise ClientError(f"SOAPAction {action} does not match {operation.name}")


class ValidRequests:
    """Requests that passed SoapMock._valid, remembered by their bytes: load tests send the same
    request again and again, and the same bytes read to the same tree with the same verdict, so
    they are parsed and validated once. Per thread, as an lxml tree is best read by the thread
    that parsed it (handlers only read them); a few per thread, and only small ones."""

    def __init__(self, size: int = 16, max_bytes: int = 8 * 1024) -> None:
        self.size, self.max_bytes = size, max_bytes
        self._local = threading.local()

    def _kept(self) -> dict[tuple[str, bytes], Envelope]:
        kept: dict[tuple[str, bytes], Envelope] | None = getattr(self._local, "kept", None)
        if kept is None:
            kept = self._local.kept = {}
        return kept

    def get(self, operation: str, body: bytes) -> Envelope | None:
        return self._kept().get((operation, body)) if len(body) <= self.max_bytes else None

    def put(self, operation: str, body: bytes, message: Envelope) -> None:
        if len(body) > self.max_bytes:
            return
        kept = self._kept()
        if len(kept) >= self.size:
            del kept[next(iter(kept))]  # the oldest
        kept[(operation, body)] = message


def _payload(document: etree._Element) -> etree._Element:
    body = document.find(f"{{{SOAP_ENV}}}Body")
    if body is None or not len(body):
        raise InvalidMockResponse("the answer has no Body payload to change")
    return body[0]


def _xsd_view(directory: Path) -> Callable[[str], Response]:
    def xsd(name: str) -> Response:
        return send_from_directory(directory, f"{name}.xsd", mimetype="text/xml")

    return xsd
