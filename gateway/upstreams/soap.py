"""RIV-TA SOAP clients: one per contract, built once per process from the WSDL in contracts/.

Each request is built from our WSDL (operation, SOAPAction, LogicalAddress header): with lxml
from a plan compiled once per operation out of zeep's reading of the WSDL (riv_request.py; zeep's
own rendering costs about as much as a whole trivial request), or by zeep for a request a plan
does not cover. The RIV-TA HTTP headers and the correlation id come from one plugin; the exchange
goes through the upstream's pool (http.py). A hot operation may build its request payload itself
(`send_payload`); the envelope, SOAPAction and headers are the ones zeep would send. Replies
are taken raw and read with lxml: faster than zeep's object mapping on large answers, and
tolerant of elements our schema does not know, which are reported as drift instead. What an
answer holds against the contract is worked out once per distinct answer (`_AnswerReader`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from lxml import etree
from zeep import Client, Plugin, Settings
from zeep.transports import Transport

from contracts.privacy import mask_text
from contracts.riv import (
    CONSUMER_HSA_ID_HEADER,
    CORRELATION_ID_HEADER,
    LOGICAL_ADDRESS,
    SAFE_PARSER,
    SOAP_ENV,
    XML_CONTENT_TYPE,
    EnvelopeError,
    NotWellFormed,
    ThreadXPath,
    read_envelope,
)
from contracts.upstream import Upstream
from gateway.context import correlation_id, hold_until_answered
from gateway.errors import (
    UpstreamError,
    UpstreamFault,
    UpstreamInvalidResponse,
    UpstreamUnavailable,
)
from gateway.upstreams.free_text import digest_without_texts, free_text_names
from gateway.upstreams.http import (
    UNAVAILABLE_STATUSES,
    Received,
    UpstreamContext,
    UpstreamHttp,
)
from gateway.upstreams.riv_request import RivRequest
from gateway.upstreams.settings import UpstreamSettings


class RivHeaders(Plugin):
    """x-rivta-original-serviceconsumer-hsaid and x-skltp-correlation-id on every request."""

    def __init__(self, consumer_hsa_id: str) -> None:
        self.consumer_hsa_id = consumer_hsa_id

    def egress(
        self, envelope: Any, http_headers: dict[str, str], operation: Any, binding_options: Any
    ) -> tuple[Any, dict[str, str]]:
        http_headers[CONSUMER_HSA_ID_HEADER] = self.consumer_hsa_id
        current = correlation_id.get()
        if current:
            http_headers[CORRELATION_ID_HEADER] = current
        return envelope, http_headers


class PooledTransport(Transport):
    """zeep's transport, posting through the upstream's pool. The WSDL is read from disk, so
    the requests session zeep keeps for loading documents is never used."""

    def __init__(self, http: UpstreamHttp) -> None:
        super().__init__()
        self.http = http

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> Received:
        return self.http.send("POST", address, message, headers)


@dataclass(frozen=True)
class Reply:
    payload: etree._Element
    drift: list[str]


@dataclass(frozen=True)
class SoapContract:
    """One WSDL of a contract: its binding, the responder XSD answers are checked against, and
    the namespaces it declares (elements in any other namespace are extensions)."""

    wsdl: Path
    binding: str
    schema: Path
    namespaces: frozenset[str]


class RivSoapClient:
    """Calls the operations of one SOAP upstream, each at its own RIV-TA endpoint."""

    def __init__(
        self,
        upstream: Upstream,
        settings: UpstreamSettings,
        context: UpstreamContext,
        contracts: dict[str, SoapContract],
    ) -> None:
        """`contracts`: by operation name (an interaction per WSDL, as RIV-TA has them)."""
        self.upstream, self.settings = upstream, settings
        self.http = UpstreamHttp(upstream, settings, context.metrics)
        self.http.observers.extend(context.observers)
        transport = PooledTransport(self.http)
        self._riv_headers = RivHeaders(context.consumer_hsa_id)
        options = Settings(strict=False, raw_response=True, forbid_external=True)
        self._services: dict[str, Any] = {}
        self._soap_actions: dict[str, str] = {}
        self._readers: dict[str, _AnswerReader] = {}
        self._requests: dict[str, RivRequest | None] = {}
        for operation, contract in contracts.items():
            client = Client(
                str(contract.wsdl),
                transport=transport,
                settings=options,
                plugins=[self._riv_headers],
            )
            self._services[operation] = client.create_service(
                contract.binding, self.http.endpoint(operation)
            )
            binding = client.wsdl.bindings[contract.binding]
            self._soap_actions[operation] = binding.get(operation).soapaction
            self._requests[operation] = RivRequest.compile(binding.get(operation))
            self._readers[operation] = _AnswerReader.for_contract(contract)

    def call(
        self,
        operation: str,
        *,
        logical_address: str | None = None,
        soap_headers: dict[str, Any] | None = None,
        **arguments: Any,
    ) -> Reply:
        """Send, then return the Body's payload; raises the gateway's upstream errors.

        `logical_address`: where the platform routes this call, when it is not the upstream's
        configured one (crm:scheduling routes by care unit); `soap_headers`: further SOAP
        headers the operation's WSDL declares (e.g. RIV-TA's Actor)."""
        with self.http.measured(operation):
            headers = {
                "LogicalAddress": logical_address or self.settings.logical_address,
                **(soap_headers or {}),
            }
            planned = self._requests[operation]
            if planned is None:
                service = self._services[operation]
                received = getattr(service, operation)(_soapheaders=headers, **arguments)
            else:
                received = self._post(operation, planned.envelope(headers, arguments))
            return self._reply(operation, received)

    def send_payload(
        self, operation: str, payload: etree._Element, *, logical_address: str | None = None
    ) -> Reply:
        """`call` with a request payload (the Body's element) built by the caller; the same
        envelope, LogicalAddress, SOAPAction and headers as zeep's."""
        with self.http.measured(operation):
            envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
            header = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Header")
            address = etree.SubElement(header, LOGICAL_ADDRESS)
            address.text = logical_address or self.settings.logical_address
            etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(payload)
            body = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
            return self._reply(operation, self._post(operation, body))

    def _post(self, operation: str, envelope: bytes) -> Received:
        """An envelope built outside zeep, with the HTTP headers zeep and its plugin send."""
        headers = {
            "SOAPAction": f'"{self._soap_actions[operation]}"',
            "Content-Type": XML_CONTENT_TYPE,
        }
        self._riv_headers.egress(envelope, headers, None, None)
        return self.http.send("POST", self.http.endpoint(operation), envelope, headers)

    def _reply(self, operation: str, received: Received) -> Reply:
        payload = self._payload(received)
        drift = self._readers[operation].drift(payload, received.content)
        self.http.drift(operation, drift)
        return Reply(payload, drift)

    def _payload(self, response: Received) -> etree._Element:
        status = response.status_code
        try:
            envelope = read_envelope(response.content)
        except EnvelopeError as exc:  # a proxy's HTML error page, say
            if status in UNAVAILABLE_STATUSES:
                raise UpstreamUnavailable(self.upstream.name, f"HTTP {status}") from exc
            why = (
                "a body that is not XML"
                if isinstance(exc, NotWellFormed)
                else f"an answer that is not a SOAP 1.1 envelope: {exc}"
            )
            raise UpstreamInvalidResponse(self.upstream.name, f"HTTP {status} with {why}") from exc
        hold_until_answered(envelope)
        payload = envelope.payload
        if envelope.is_fault:
            code = (payload.findtext("faultcode") or "").strip()
            text = mask_text((payload.findtext("faultstring") or "").strip())
            raise self.fault_error(f"{code} {text}".strip(), payload.find("detail"))
        if status != 200:
            raise UpstreamInvalidResponse(self.upstream.name, f"HTTP {status} without a fault")
        return payload

    def fault_error(self, text: str, detail: etree._Element | None) -> UpstreamError:
        """The gateway's error for a SOAP fault: an upstream fault, unless the contract's fault
        detail says otherwise (a contract whose faults tell refusals from outages)."""
        return UpstreamFault(self.upstream.name, text)


class _AnswerReader:
    """Finds what in an answer our contract does not describe: XSD violations (elements a newer
    version added in our namespaces, values outside a pattern or an enumeration) and elements in
    namespaces the contract does not know.

    The verdict is remembered per distinct answer, keyed by a digest of its bytes without the
    texts that differ on every answer and that the schema leaves free (RIV-TA's log id): an
    upstream gives the same answer again and again (the same patient's list reloaded, the same
    calendar asked for), and checking it costs as much as reading it. A shape of the answer
    without its values would not do: the XSD constrains values in every record (timestamps,
    enumerations, numbers), and gathering shape and values in Python costs as much as the check
    itself. The memory is bounded by the number of findings remembered (`REMEMBERED`); every
    answer that drifts is still reported, remembered or not."""

    REMEMBERED = 4096  # findings plus one per answer
    PER_ANSWER = frozenset({"logId"})  # texts that differ on every answer

    def __init__(
        self, schema: etree.XMLSchema, namespaces: Iterable[str], free: frozenset[str]
    ) -> None:
        """`free`: the local names whose text no schema rule constrains (free_text_names)."""
        self.schema = schema
        self._per_answer = self.PER_ANSWER & free
        known = {f"k{i}": ns for i, ns in enumerate(sorted(namespaces))}
        # Counting is done in C; only when the counts differ are the strangers looked up.
        self._all = ThreadXPath("count(descendant::*)")
        self._known = ThreadXPath(
            " + ".join(f"count(descendant::{prefix}:*)" for prefix in known), namespaces=known
        )
        self.namespaces = frozenset(namespaces)
        self._verdicts: LRUCache[bytes, tuple[str, ...]] = LRUCache(
            self.REMEMBERED, getsizeof=lambda found: 1 + len(found)
        )
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe

    @classmethod
    def for_contract(cls, contract: SoapContract) -> _AnswerReader:
        return cls(
            etree.XMLSchema(etree.parse(str(contract.schema), SAFE_PARSER)),
            contract.namespaces,
            free_text_names(contract.schema),
        )

    def drift(self, payload: etree._Element, answer: bytes) -> list[str]:
        """`payload`: the Body's element of `answer`, the bytes as received."""
        key = digest_without_texts(answer, self._per_answer)
        with self._lock:
            found = self._verdicts.get(key)
        if found is None:
            found = tuple(self._check(payload))
            if 1 + len(found) <= self.REMEMBERED:
                with self._lock:
                    self._verdicts[key] = found
        return list(found)

    def _check(self, payload: etree._Element) -> list[str]:
        found = []
        if not self.schema.validate(payload):
            found = [f"line {e.line}: {e.message}" for e in self.schema.error_log]
        if self._all(payload) != self._known(payload):
            found += sorted(
                {
                    f"extension element {el.tag}"
                    for el in payload.iter()
                    if isinstance(el.tag, str) and etree.QName(el).namespace not in self.namespaces
                }
            )
        return found
