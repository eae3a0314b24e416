"""RIV-TA SOAP plumbing shared by every SOAP upstream.

zeep builds the request from our WSDL (operation, SOAPAction, LogicalAddress header) and sends
it with connect/read timeouts; the RIV-TA HTTP headers and the correlation id come from one
plugin. Replies are taken raw and read with lxml: faster than zeep's object mapping on large
answers, and tolerant of elements our schema does not know, which are logged as drift instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from lxml import etree
from prometheus_client import CollectorRegistry, Counter, Histogram
from requests.adapters import HTTPAdapter
from zeep import Client, Plugin, Settings
from zeep.transports import Transport

from gateway.context import correlation_id
from gateway.domain.identity import mask_text
from gateway.errors import (
    UpstreamFault,
    UpstreamInvalidResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.settings import UpstreamSettings

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
UNAVAILABLE_STATUSES = {502, 503, 504}

log = logging.getLogger("etjanst.upstream")


class UpstreamMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.seconds = Histogram(
            "etjanst_upstream_seconds",
            "Upstream call time",
            ["upstream", "operation", "outcome"],
            registry=registry,
        )
        self.drift = Counter(
            "etjanst_upstream_drift_total",
            "Answers with elements our contract does not know",
            ["upstream", "operation"],
            registry=registry,
        )


class RivHeaders(Plugin):
    """x-rivta-original-serviceconsumer-hsaid and x-skltp-correlation-id on every request."""

    def __init__(self, consumer_hsa_id: str) -> None:
        self.consumer_hsa_id = consumer_hsa_id

    def egress(
        self, envelope: Any, http_headers: dict[str, str], operation: Any, binding_options: Any
    ) -> tuple[Any, dict[str, str]]:
        http_headers["x-rivta-original-serviceconsumer-hsaid"] = self.consumer_hsa_id
        current = correlation_id.get()
        if current:
            http_headers["x-skltp-correlation-id"] = current
        return envelope, http_headers


@dataclass(frozen=True)
class Reply:
    payload: etree._Element
    drift: list[str]


class RivSoapClient:
    """One upstream operation set, built once per process from the WSDL in contracts/."""

    def __init__(
        self,
        name: str,
        wsdl: Path,
        binding: str,
        settings: UpstreamSettings,
        consumer_hsa_id: str,
        schema: Path,
        known_namespaces: set[str],
        metrics: UpstreamMetrics,
    ) -> None:
        if not settings.url:
            raise ValueError(f"upstreams.{name}.url is not set")
        self.name, self.settings, self.metrics = name, settings, metrics
        self.session = session = requests.Session()
        if settings.ca_file is not None:
            session.verify = str(settings.ca_file)
        if settings.client_cert_file is not None:
            cert, key = str(settings.client_cert_file), settings.client_key_file
            session.cert = (cert, str(key)) if key else cert
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=64)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        transport = Transport(
            session=session,
            operation_timeout=(settings.connect_timeout_s, settings.read_timeout_s),
        )
        client = Client(
            str(wsdl),
            transport=transport,
            settings=Settings(strict=False, raw_response=True, forbid_external=True),
            plugins=[RivHeaders(consumer_hsa_id)],
        )
        self.service = client.create_service(binding, settings.url)
        self.schema = etree.XMLSchema(etree.parse(str(schema), SAFE_PARSER))
        # Counting is done in C; only when the counts differ are the strangers looked up.
        known = {f"k{i}": ns for i, ns in enumerate(sorted(known_namespaces))}
        self._all = etree.XPath("count(descendant::*)")
        self._known = etree.XPath(
            " + ".join(f"count(descendant::{prefix}:*)" for prefix in known), namespaces=known
        )
        self._known_namespaces = set(known_namespaces)

    def call(self, operation: str, **arguments: Any) -> Reply:
        """Send, then return the Body's payload; raises the gateway's upstream errors."""
        started = time.perf_counter()
        outcome = "error"
        try:
            response = self._send(operation, arguments)
            reply = self._read(operation, response)
            outcome = "ok"
            return reply
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.seconds.labels(self.name, operation, outcome).observe(elapsed)
            log.info(
                "upstream %s %s %s in %.1f ms [%s]",
                self.name,
                operation,
                outcome,
                elapsed * 1000,
                correlation_id.get(),
            )

    def _send(self, operation: str, arguments: dict[str, Any]) -> requests.Response:
        headers = {"LogicalAddress": self.settings.logical_address}
        try:
            return getattr(self.service, operation)(_soapheaders=headers, **arguments)
        except (requests.ConnectTimeout, requests.ReadTimeout) as exc:
            raise UpstreamTimeout(self.name, "no answer within the configured timeout") from exc
        except requests.ConnectionError as exc:
            raise UpstreamUnavailable(
                self.name, "could not connect, or the connection was closed without an answer"
            ) from exc
        except requests.RequestException as exc:  # e.g. a truncated chunked body
            raise UpstreamInvalidResponse(self.name, f"the answer broke off: {exc}") from exc

    def _read(self, operation: str, response: requests.Response) -> Reply:
        try:
            document = etree.fromstring(response.content, SAFE_PARSER)
        except etree.XMLSyntaxError as exc:
            if response.status_code in UNAVAILABLE_STATUSES:
                raise UpstreamUnavailable(self.name, f"HTTP {response.status_code}") from exc
            raise UpstreamInvalidResponse(
                self.name, f"HTTP {response.status_code} with a body that is not XML"
            ) from exc
        body = document.find(f"{{{SOAP_ENV}}}Body")
        children = [] if body is None else [c for c in body if isinstance(c.tag, str)]
        if document.tag != f"{{{SOAP_ENV}}}Envelope" or len(children) != 1:
            raise UpstreamInvalidResponse(self.name, "the answer is not a SOAP 1.1 envelope")
        payload = children[0]
        if payload.tag == f"{{{SOAP_ENV}}}Fault":
            code = (payload.findtext("faultcode") or "").strip()
            text = mask_text((payload.findtext("faultstring") or "").strip())
            raise UpstreamFault(self.name, f"{code} {text}".strip())
        if response.status_code != 200:
            raise UpstreamInvalidResponse(self.name, f"HTTP {response.status_code} without a fault")
        return Reply(payload, self._drift(operation, payload))

    def _drift(self, operation: str, payload: etree._Element) -> list[str]:
        """What in the answer our contract does not describe. Logged and counted, never fatal."""
        found = []
        if not self.schema.validate(payload):
            found = [f"line {e.line}: {e.message}" for e in self.schema.error_log]
        if self._all(payload) != self._known(payload):
            found += sorted(
                {
                    f"extension element {el.tag}"
                    for el in payload.iter()
                    if isinstance(el.tag, str)
                    and etree.QName(el).namespace not in self._known_namespaces
                }
            )
        if found:
            self.metrics.drift.labels(self.name, operation).inc()
            log.warning(
                "upstream %s %s drift: %s", self.name, operation, mask_text("; ".join(found[:5]))
            )
        return found
