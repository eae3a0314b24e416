"""The protocol-neutral mock: its state (dataset, stubs, faults, journal in the shared store),
the request pipeline every protocol shares, and what a concrete mock and a protocol adapter
provide.

    request -> protocol.parse -> fault? -> stub? -> protocol.invoke(handler) -> journal

A concrete mock (mocks/<name>/mock.py) subclasses a protocol adapter (SoapMock in soap.py,
RestMock in rest.py) and gives its upstream, dataset model and default dataset; its handlers
(mocks/<name>/responses.py) work on its state (mocks/<name>/models.py). Whatever a handler
raises becomes a proper fault or problem answer, and a journal entry, never an HTML 500.
"""

from __future__ import annotations

import logging
import random
import socket
import struct
import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import RequestEntityTooLarge

from contracts.privacy import mask_repeated_pieces, mask_short_text, mask_text
from contracts.upstream import Upstream
from mocks.kit import rules
from mocks.kit.config import MockConfig
from mocks.kit.pieces import Pieces
from mocks.kit.store import Entities, MockStore

log = logging.getLogger("etjanst.mocks")


class ClientError(Exception):
    """The request is not one the real producer would accept; the text says why."""


class InvalidMockResponse(Exception):
    """A mock built something its own contract rejects: a bug in the mock, answered as a
    server fault rather than handed out."""


def request_body() -> bytes:
    """The request's body; ClientError past `mocks.max_request_bytes` (the app's
    MAX_CONTENT_LENGTH), before anything of it is parsed."""
    try:
        return request.get_data()
    except RequestEntityTooLarge as exc:
        raise ClientError(f"the request is larger than {request.max_content_length} bytes") from exc


@dataclass(frozen=True)
class Incoming:
    """A request the protocol adapter has read: which operation, for whom, and the rest."""

    operation: str
    patient: str | None  # for `match.patient` of stubs and faults
    logical_address: str | None  # for `match.logicalAddress` (RIV-TA), None elsewhere
    message: Any  # the protocol's own view of the request


@dataclass(frozen=True)
class AdminRoute:
    """A route a mock adds to its admin API (`/mocks/<name>/_admin/<path>`), for state only it
    has (e.g. purchases a test team registers). The kit validates `body` strictly as JSON,
    answers 400 problems, and publishes both models in the admin OpenAPI."""

    path: str
    method: str  # GET or POST
    summary: str
    handler: Callable[[Any], tuple[int, Any]]  # the validated body (None for GET) -> answer
    response: type[BaseModel]
    body: type[BaseModel] | None = None


class AdminRefused(Exception):
    """An admin route's refusal of a valid document (400, with a stable `code`)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class Patient:
    """A labelled synthetic patient of a default dataset, as `_admin/patients` lists it."""

    id: str
    label: str | None


class NoSettings(BaseModel):
    """A mock without settings of its own: `mocks.options.<name>` must stay empty."""

    model_config = ConfigDict(extra="forbid")


class Mock(ABC):
    upstream: ClassVar[Upstream]
    dataset_model: ClassVar[type[BaseModel]]  # its schema goes into the admin OpenAPI
    fault_types: ClassVar[tuple[type[rules.Rule], ...]]  # set by the protocol adapter
    content_type: ClassVar[str]  # of its answers
    # the mock's own settings (`mocks.options.<name>` in the server's settings)
    settings_model: ClassVar[type[BaseModel]] = NoSettings

    def __init__(self, config: MockConfig, store: MockStore) -> None:
        self.config, self.store = config, store
        self.faults: TypeAdapter[Any] = rules.fault_adapter(self.fault_types)
        try:
            self.settings = self.settings_model.model_validate(config.options.get(self.name, {}))
        except ValidationError as exc:
            wrong = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"mocks.options.{self.name} is not valid: {wrong}") from exc

    @property
    def name(self) -> str:
        return self.upstream.name

    # what a concrete mock provides ---------------------------------------------------------
    @abstractmethod
    def default_dataset(self, today: date) -> dict[str, Any]: ...

    @abstractmethod
    def summary(self, dataset: Any) -> dict[str, int]:
        """Counts that confirm a dataset upload (patients, records...)."""

    @abstractmethod
    def patients(self, dataset: Any) -> list[Patient]:
        """The dataset's patients, for people looking for someone to test with."""

    def parse_dataset(self, document: Any) -> Any:
        """Validate a dataset document; raise pydantic.ValidationError when it is wrong."""
        return self.dataset_model.model_validate(document)

    def seed(self, tx: Entities, document: Any) -> None:  # noqa: B027 - an optional hook
        """Fill the mock's entities from a dataset document (valid, as JSON), inside the
        transaction that stores it: the mutable state requests then change. None by default."""

    def admin_routes(self) -> tuple[AdminRoute, ...]:
        """Admin routes of this mock's own, besides the kit's; none by default."""
        return ()

    def backend(self) -> Any:
        """What handlers work on (`Call.backend`): the parsed dataset, unless the mock keeps
        mutable state of its own (a models.py backend over the store)."""
        return self.dataset()

    # what a protocol adapter provides ------------------------------------------------------
    @abstractmethod
    def blueprint(self) -> Blueprint:
        """The mock's endpoints (and documents such as WSDLs) under /mocks/<name>/."""

    @abstractmethod
    def invoke(self, incoming: Incoming, business: rules.Rule | None) -> Response:
        """The handler's answer; `business`: a fault the protocol renders in the body."""

    @abstractmethod
    def client_error(self, message: str) -> Response: ...

    @abstractmethod
    def server_error(self, message: str) -> Response: ...

    @abstractmethod
    def malformed(self) -> Response:
        """A body cut off in the middle."""

    @abstractmethod
    def with_undeclared(self, body: bytes) -> bytes:
        """An answer with elements (fields) added that the contract does not declare."""

    @abstractmethod
    def enlarged(self, body: bytes, records: int) -> bytes:
        """An answer whose repeated records are repeated up to `records`."""

    def protocol_fault(self, fault: rules.Rule) -> Response | None:
        """A protocol's own technical fault (e.g. a SOAP fault); None: not one of them."""
        return None

    def is_business(self, fault: rules.Rule) -> bool:
        """A fault that shapes the handler's answer rather than replacing it."""
        return False

    # shared --------------------------------------------------------------------------------
    def dataset(self) -> Any:
        return self.store.dataset(
            self.name,
            lambda: self.default_dataset(self.config.today_date()),
            self.parse_dataset,
            self.seed,
        )

    def operation_names(self) -> list[str]:
        return [interaction.operation for interaction in self.upstream.interactions]

    def handle(self, read: Any) -> Response:
        """The pipeline: `read()` is the adapter's parse of the current request (it raises
        ClientError for one the producer would refuse)."""
        exchange: dict[str, Any] = {"operation": None}
        try:
            response = self._answer(read, exchange)
        except ClientError as exc:
            response = self.client_error(mask_text(str(exc)))
        except Exception as exc:  # a bug in a handler: still a proper answer, and logged
            log.error(
                "mock %s %s failed:\n%s",
                self.name,
                exchange["operation"],
                mask_text(traceback.format_exc()),
            )
            response = self.server_error(mask_text(f"the mock failed: {type(exc).__name__}"))
        self._record(exchange, response)
        return response

    def _answer(self, read: Any, exchange: dict[str, Any]) -> Response:
        incoming: Incoming = read()
        exchange["operation"] = incoming.operation

        def applies(spec: dict[str, Any]) -> bool:
            return rules.parse_rule(spec).applies_to(
                incoming.operation, incoming.patient, incoming.logical_address
            )

        business = shaping = None
        taken = self.store.take_rule(self.name, "fault", applies)
        if taken is not None:
            rule_id, spec = taken
            fault = self.faults.validate_python(spec)
            exchange["shapedBy"] = {"kind": "fault", "id": rule_id, "type": spec["type"]}
            if self.is_business(fault):
                business = fault
            elif isinstance(fault, rules.SHAPING_FAULTS):
                shaping = fault
            else:
                early = self._technical(fault, exchange)
                if early is not None:
                    return early
        stub = self.store.take_rule(self.name, "stub", applies)
        if stub is not None:
            exchange["shapedBy"] = {"kind": "stub", "id": stub[0], "type": None}
            canned = rules.parse_stub(stub[1])
            return Response(canned.body, status=canned.status, content_type=canned.contentType)
        try:
            response = self.invoke(incoming, business)
        except InvalidMockResponse as exc:  # never hand out what the real producer could not
            return self.server_error(mask_text(f"the mock built an invalid response: {exc}"))
        return response if shaping is None else self._shaped(response, shaping)

    def _shaped(self, response: Response, fault: rules.Rule) -> Response:
        """The real answer, changed the way a shaping fault says."""
        body = response.get_data()
        if isinstance(fault, rules.TruncateFault):
            body = body[: fault.bytes]
        elif isinstance(fault, rules.UndeclaredFault):
            body = self.with_undeclared(body)
        elif isinstance(fault, rules.LargeFault):
            body = self.enlarged(body, fault.records)
        return Response(body, status=response.status_code, content_type=response.content_type)

    def _technical(self, fault: rules.Rule, exchange: dict[str, Any]) -> Response | None:
        """The response a fault stands for; None when the request then goes on (latency). A
        hang is journaled at once, as pending, and the entry completed when it ends."""
        if isinstance(fault, rules.LatencyFault):
            ms = fault.ms if fault.maxMs is None else random.uniform(fault.ms, fault.maxMs)
            time.sleep(ms / 1000)
            return None
        if isinstance(fault, rules.HangFault):
            exchange[_PENDING_ENTRY] = self._record(exchange, None)
            time.sleep(fault.ms / 1000)
            _drop_connection()
            return Response(b"", status=500)
        if isinstance(fault, rules.EmptyFault):
            return Response(b"", status=fault.status, content_type=self.content_type)
        if isinstance(fault, rules.HttpStatusFault):
            return Response(fault.body, status=fault.status, content_type="text/plain")
        if isinstance(fault, rules.MalformedFault):
            return self.malformed()
        if isinstance(fault, rules.ResetFault):
            _drop_connection()
            return Response(b"", status=500)
        answer = self.protocol_fault(fault)
        if answer is None:
            raise TypeError(f"{self.name} cannot render a {type(fault).__name__}")
        return answer

    def _record(self, exchange: dict[str, Any], response: Response | None) -> int | None:
        """Journal the exchange: a finished one written behind (MockStore.record_soon); one
        still pending (`response` None: a hang) at once, for the id its end completes."""
        try:
            sent = request_body()
        except ClientError as exc:  # the fault says so; the body was never read
            sent = str(exc).encode()
        pending = exchange.pop(_PENDING_ENTRY, None)
        seen = _Seen(
            exchange,
            request.method,
            request.path,
            request.query_string,
            dict(request.environ),
            sent,
            None if response is None else response.status_code,
            b"" if response is None or response.is_streamed else response.get_data(),
            self.config.journal_body_bytes,
        )
        if pending is not None:
            self.store.rewrite(self.name, pending, seen.entry())
            return pending
        if response is None:
            return self.store.record(self.name, seen.entry(), self.config.journal_size)
        self.store.record_soon(self.name, seen.entry, self.config.journal_size)
        return None


@dataclass(frozen=True)
class _Seen:
    """An exchange as the request left it, made into its journal entry (masked, bodies cut at
    `limit` characters) only when written: behind the answer, on the journal's writer."""

    exchange: dict[str, Any]
    method: str
    path: str
    query: bytes
    environ: dict[str, Any]  # a copy: its headers are read (slowly) on the writer
    sent: bytes
    status: int | None  # None: no answer yet
    body: bytes
    limit: int

    def entry(self) -> dict[str, Any]:
        limit = self.limit
        return {
            **self.exchange,
            "request": {
                "method": self.method,
                "path": self.path,
                "query": mask_text(self.query.decode("utf-8", "replace")),
                "headers": {k: mask_short_text(v) for k, v in EnvironHeaders(self.environ).items()},
                "body": _journal_text(self.sent[: limit * 4], limit),
            },
            "response": {
                "status": self.status,
                "body": _journal_text(self.body[: limit * 4], limit),
                "pending": self.status is None,
            },
        }


_PENDING_ENTRY = "_pending_entry"  # the journal id of a hang's entry, while it lasts


def _journal_text(data: bytes, limit: int) -> Pieces:
    """A body as the journal keeps it: decoded, cut at `limit` characters, identity numbers
    masked. Masking tens of kilobytes afresh was a fifth of the mock's time per request; the
    same answers come again and again, so the masked pieces are remembered, and the store
    writes each distinct piece once."""
    text = data.decode("utf-8", "replace")
    if len(text) > limit:
        text = text[:limit] + f"...[{len(text) - limit} more characters not kept]"
    return Pieces(mask_repeated_pieces(text))


def _drop_connection() -> None:
    """Reset the TCP connection without an HTTP response (RST via SO_LINGER 0)."""
    sock = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if sock is None:
        return
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.shutdown(socket.SHUT_RDWR)
