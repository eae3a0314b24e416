"""A SOAP mock: one endpoint per contract, request validation, faults, stubs, the operation
handlers of the concrete mock, response validation and the journal.

A concrete mock (see mocks/cosmic) subclasses SoapMock with its dataset model and one handler
per operation; everything here is shared.
"""

from __future__ import annotations

import socket
import struct
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import Response, request
from lxml import etree
from pydantic import BaseModel

from mocks.kit import rules
from mocks.kit.config import MockConfig
from mocks.kit.privacy import mask_identities
from mocks.kit.soap import (
    XML_CONTENT_TYPE,
    Schema,
    SoapClientError,
    SoapRequest,
    envelope,
    fault,
    parse_request,
)
from mocks.kit.store import MockStore

REGISTRY_NS = "urn:riv:itintegration:registry:1"
LOGICAL_ADDRESS = f"{{{REGISTRY_NS}}}LogicalAddress"


class InvalidMockResponse(Exception):
    """A mock built something its own schema rejects: a bug in the mock, answered as a fault."""


@dataclass(frozen=True)
class Call:
    """What an operation handler gets: the request, the dataset, today, any business-result
    fault to apply, and the schema every piece of the answer must pass."""

    request: SoapRequest
    logical_address: str
    dataset: Any
    today: date
    result: rules.ResultFault | None
    schema: Schema

    def validated(self, element: etree._Element) -> etree._Element:
        errors = self.schema.errors(element)
        if errors:
            raise InvalidMockResponse(errors[0])
        return element


@dataclass(frozen=True)
class Operation:
    name: str
    soap_action: str
    # Returns the Body payload as XML bytes, built only from parts that passed call.validated()
    # (so the answer is valid without validating megabytes on every request).
    handler: Callable[[Call], bytes]


class SoapMock(ABC):
    name: str  # URL segment under /mocks/
    endpoint: str  # path of the SOAP endpoint under /mocks/<name>/
    wsdl: Path
    schema_path: Path  # the responder XSD: validates requests and responses
    operations: dict[str, Operation]  # by payload element QName
    dataset_model: type[BaseModel]  # the dataset document (its schema goes into the admin OpenAPI)

    def __init__(self, config: MockConfig, store: MockStore) -> None:
        self.config = config
        self.store = store
        self.schema = Schema(self.schema_path)
        self._wsdl_template = self.wsdl.read_text(encoding="utf-8")  # read once, not per GET

    # what a concrete mock provides ---------------------------------------------------------
    @abstractmethod
    def default_dataset(self, today: date) -> dict[str, Any]: ...

    def parse_dataset(self, document: Any) -> Any:
        """Validate a dataset document; raise pydantic.ValidationError when it is wrong."""
        return self.dataset_model.model_validate(document)

    @abstractmethod
    def patient_of(self, payload: etree._Element) -> str | None: ...

    @abstractmethod
    def summary(self, dataset: Any) -> dict[str, int]:
        """Counts that confirm a dataset upload (patients, records...)."""

    # state -----------------------------------------------------------------------------------
    def dataset(self) -> Any:
        return self.store.dataset(
            self.name, lambda: self.default_dataset(self.config.today_date()), self.parse_dataset
        )

    def operation_names(self) -> set[str]:
        return {op.name for op in self.operations.values()}

    # HTTP --------------------------------------------------------------------------------------
    def wsdl_response(self) -> Response:
        text = self._wsdl_template.replace("__SERVICE_ADDRESS__", request.base_url)
        return Response(text, content_type=XML_CONTENT_TYPE)

    def handle(self) -> Response:
        raw = request.get_data()
        exchange: dict[str, Any] = {
            "operation": None,
            "request": {"headers": dict(request.headers), "body": raw.decode("utf-8", "replace")},
        }
        response = self._answer(raw, exchange)
        self._record(exchange, response)
        return response

    def _answer(self, raw: bytes, exchange: dict[str, Any]) -> Response:
        try:
            soap = parse_request(raw)
        except SoapClientError as exc:
            return self._fault("Client", str(exc))
        operation = self.operations.get(soap.payload.tag)
        if operation is None:
            return self._fault("Client", f"unknown operation element {soap.payload.tag}")
        exchange["operation"] = operation.name
        action = request.headers.get("SOAPAction", "").strip('"')
        if action and action != operation.soap_action:
            return self._fault("Client", f"SOAPAction {action} does not match {operation.name}")
        errors = self.schema.errors(soap.payload)
        if errors:
            return self._fault("Client", "the request violates the schema: " + "; ".join(errors))
        logical_address = soap.header_text(LOGICAL_ADDRESS)
        if not logical_address:
            return self._fault("Client", "the LogicalAddress SOAP header is missing")

        patient = self.patient_of(soap.payload)

        def applies(spec: dict[str, Any]) -> bool:
            return rules.parse_rule(spec).applies_to(operation.name, patient, logical_address)

        result_fault = None
        spec = self.store.take_rule(self.name, "fault", applies)
        if spec is not None:
            chosen = rules.parse_fault(spec)
            if isinstance(chosen, rules.ResultFault):
                result_fault = chosen
            else:
                early = self._technical_fault(chosen)
                if early is not None:
                    return early
        stub = self.store.take_rule(self.name, "stub", applies)
        if stub is not None:
            canned = rules.parse_stub(stub)
            return Response(canned.body, status=canned.status, content_type=canned.contentType)

        call = Call(
            soap,
            logical_address,
            self.dataset(),
            self.config.today_date(),
            result_fault,
            self.schema,
        )
        try:
            payload = operation.handler(call)
        except InvalidMockResponse as exc:  # never hand out what the real producer could not
            return self._fault("Server", f"the mock built an invalid response: {exc}")
        return Response(envelope(payload), content_type=XML_CONTENT_TYPE)

    def _technical_fault(self, chosen: rules.Fault) -> Response | None:
        """The response a fault stands for; None when the request then goes on (latency)."""
        if isinstance(chosen, rules.LatencyFault):
            time.sleep(chosen.ms / 1000)
            return None
        if isinstance(chosen, rules.HttpStatusFault):
            return Response(chosen.body, status=chosen.status, content_type="text/plain")
        if isinstance(chosen, rules.SoapFaultFault):
            return self._fault(chosen.faultcode, f"{chosen.code} {chosen.message}".strip())
        if isinstance(chosen, rules.MalformedFault):
            return Response(envelope(b"<Truncated>")[:-20], content_type=XML_CONTENT_TYPE)
        _drop_connection()
        return Response(b"", status=500)

    def _fault(self, code: str, message: str) -> Response:
        return Response(
            fault(code, mask_identities(message)), status=500, content_type=XML_CONTENT_TYPE
        )

    def _record(self, exchange: dict[str, Any], response: Response) -> None:
        limit = self.config.journal_body_bytes
        exchange["request"] = {
            "headers": {k: mask_identities(v) for k, v in exchange["request"]["headers"].items()},
            "body": mask_identities(_cut(exchange["request"]["body"], limit)),
        }
        body = b"" if response.is_streamed else response.get_data()
        exchange["response"] = {
            "status": response.status_code,
            "body": mask_identities(_cut(body[: limit * 4].decode("utf-8", "replace"), limit)),
        }
        self.store.record(self.name, exchange, self.config.journal_size)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"...[{len(text) - limit} more characters not kept]"


def _drop_connection() -> None:
    """Reset the TCP connection without an HTTP response (RST via SO_LINGER 0)."""
    sock = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if sock is None:
        return
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.shutdown(socket.SHUT_RDWR)
