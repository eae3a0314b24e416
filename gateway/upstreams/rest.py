"""REST/JSON clients: the same pool, timeouts, metrics and error mapping as the SOAP clients
(http.py), JSON in and out. An error answer with a JSON body (a problem, a FHIR
OperationOutcome) is the upstream refusing, like a SOAP fault; a 5xx is the upstream being
unavailable. Answers are read with orjson, at a fraction of the json module's cost on a FHIR
Bundle; requests are written with json."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import orjson

from contracts.privacy import mask_text
from contracts.riv import CONSUMER_HSA_ID_HEADER, CORRELATION_ID_HEADER
from contracts.upstream import Upstream
from gateway.context import correlation_id
from gateway.errors import UpstreamFault, UpstreamInvalidResponse, UpstreamUnavailable
from gateway.upstreams.http import Received, UpstreamContext, UpstreamHttp
from gateway.upstreams.settings import UpstreamSettings


class RestClient:
    """Calls the operations of one REST upstream, each at its path under the base URL."""

    accept = "application/json"

    def __init__(
        self, upstream: Upstream, settings: UpstreamSettings, context: UpstreamContext
    ) -> None:
        self.upstream = upstream
        self.consumer_hsa_id = context.consumer_hsa_id
        self.http = UpstreamHttp(upstream, settings, context.metrics)
        self.http.observers.extend(context.observers)

    def request(
        self,
        operation: str,
        method: str = "GET",
        query: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        **path: str,
    ) -> Any:
        """The answer's JSON document; raises the gateway's upstream errors. `path` fills the
        operation's path parameters (`<name>` in its registry path)."""
        url = self.http.endpoint(operation)
        for name, value in path.items():
            url = url.replace(f"<{name}>", value)
        if query:
            url += "?" + urlencode(query)
        sent = {"Accept": self.accept, CONSUMER_HSA_ID_HEADER: self.consumer_hsa_id}
        if correlation_id.get():
            sent[CORRELATION_ID_HEADER] = correlation_id.get() or ""
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        with self.http.measured(operation):
            return self._document(self.http.send(method, url, data, {**sent, **(headers or {})}))

    def _document(self, response: Received) -> Any:
        name, status = self.upstream.name, response.status_code
        try:
            document = orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError:
            document = None
        if status >= 500:
            raise UpstreamUnavailable(name, f"HTTP {status}")
        if status >= 400:
            if document is None:
                raise UpstreamInvalidResponse(name, f"HTTP {status} without a JSON error")
            raise UpstreamFault(name, f"HTTP {status}: {mask_text(_summary(document))}")
        if document is None:
            raise UpstreamInvalidResponse(name, f"HTTP {status} with a body that is not JSON")
        return document


def _summary(document: Any) -> str:
    """The readable part of an error document: a problem's detail, an OperationOutcome's
    issue diagnostics, or the document itself, short."""
    if isinstance(document, dict):
        issues = document.get("issue")
        if isinstance(issues, list):
            texts = [
                str(i.get("diagnostics") or i.get("code") or "")
                for i in issues
                if isinstance(i, dict)
            ]
            return "; ".join(t for t in texts if t)[:500]
        for key in ("detail", "title", "message"):
            if isinstance(document.get(key), str):
                return document[key][:500]
    return json.dumps(document)[:500]
