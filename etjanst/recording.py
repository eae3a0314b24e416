"""Record and replay: `etjanst record` runs a proxy in front of a real upstream and saves each
exchange, pseudonymised, keyed by operation; `etjanst mocks --replay DIR` serves the recording
through the mocks' stubs.

A recording is a folder: `<upstream>/<operation>/<n>.json`, each file one exchange with the
request (method, path, query, SOAPAction, body) and the answer (status, content type, body), and
`patient`, the synthetic identity number the request names. Nothing personal is written: every
body, query and path goes through Pseudonyms before it reaches the disk.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from contracts.upstream import Upstream
from etjanst.pseudonyms import IDENTITY, Pseudonyms
from gateway.errors import UpstreamError
from gateway.upstreams.http import UpstreamHttp, UpstreamMetrics
from gateway.upstreams.settings import UpstreamSettings
from mocks.kit.store import MockStore

log = logging.getLogger("etjanst.record")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host"}


def operation_of(upstream: Upstream, path: str, soap_action: str) -> str | None:
    """Which operation an exchange is: by SOAPAction for SOAP (its last part), by the
    interaction whose path template matches for REST."""
    if upstream.protocol == "soap":
        action = soap_action.strip('"').rsplit(":", 1)[-1]
        return action if action in {i.operation for i in upstream.interactions} else None
    for interaction in upstream.interactions:
        pattern = re.sub(r"<[^>]+>", "[^/]+", re.escape(interaction.path))
        if re.search(f"/{pattern}$", path):
            return interaction.operation
    return None


class Recorder:
    """A WSGI app that forwards every request to the upstream and keeps a pseudonymised copy."""

    def __init__(self, upstream: Upstream, settings: UpstreamSettings, out: Path) -> None:
        from prometheus_client import CollectorRegistry

        if not settings.url:
            raise ValueError(f"upstreams.{upstream.name}.url is not set: nothing to record")
        self.upstream, self.base = upstream, settings.url.rstrip("/")
        self.http = UpstreamHttp(upstream, settings, UpstreamMetrics(CollectorRegistry()))
        self.folder = out / upstream.name
        self.pseudonyms = Pseudonyms()
        self._lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in HOP_BY_HOP
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        url = self.base + path + (f"?{query}" if query else "")
        try:
            received = self.http.send(environ["REQUEST_METHOD"], url, body or None, headers)
        except UpstreamError as exc:
            start_response("502 Bad Gateway", [("Content-Type", "text/plain; charset=utf-8")])
            return [f"etjanst record: {exc.detail}".encode()]
        content_type = received.headers.get("Content-Type", "")
        self._save(
            environ["REQUEST_METHOD"],
            path,
            query,
            headers,
            body,
            received.status_code,
            content_type,
            received.content,
        )
        passed = [
            (k, v)
            for k, v in received.headers.items()
            if k.lower() not in HOP_BY_HOP | {"content-length"}
        ]
        start_response(
            f"{received.status_code} {'OK' if received.status_code < 400 else 'Error'}", passed
        )
        return [received.content]

    def _save(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        status: int,
        content_type: str,
        answer: bytes,
    ) -> None:
        operation = operation_of(self.upstream, path, headers.get("soapaction", ""))
        if operation is None:
            log.warning(
                "record %s: %s %s is no known operation; not kept", self.upstream.name, method, path
            )
            return
        request_type = headers.get("content-type", "")
        request_body = self.pseudonyms.body(body, request_type).decode() if body else ""
        exchange = {
            "operation": operation,
            "request": {
                "method": method,
                "path": self.pseudonyms.text(path),
                "query": self.pseudonyms.text(query),
                "soapAction": headers.get("soapaction"),
                "body": request_body,
            },
            "response": {
                "status": status,
                "contentType": content_type,
                "body": self.pseudonyms.body(answer, content_type).decode("utf-8", "replace"),
            },
            "patient": _first_identity(request_body + " " + self.pseudonyms.text(query + path)),
        }
        folder = self.folder / operation
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            number = len(list(folder.glob("*.json"))) + 1
            (folder / f"{number:05d}.json").write_text(
                json.dumps(exchange, ensure_ascii=False, indent=1), encoding="utf-8"
            )


def _first_identity(text: str) -> str | None:
    found = IDENTITY.search(text)
    return found.group(1) + found.group(3) if found else None


def replay(recording: Path, store: MockStore) -> int:
    """Load a recording into the mocks' stubs, oldest first (so the newest recorded answer for
    an operation and patient wins); returns how many exchanges were loaded."""
    loaded = 0
    for file in sorted(recording.glob("*/*/*.json")):
        upstream = file.parent.parent.name
        exchange = json.loads(file.read_text(encoding="utf-8"))
        stub: dict[str, Any] = {
            "operation": exchange["operation"],
            "status": exchange["response"]["status"],
            "body": exchange["response"]["body"],
            "contentType": exchange["response"]["contentType"] or "text/xml; charset=utf-8",
        }
        if exchange.get("patient"):
            stub["match"] = {"patient": exchange["patient"]}
        store.add_rule(upstream, "stub", stub, None)
        loaded += 1
    return loaded
