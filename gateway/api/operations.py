"""Operations: /healthz, /readyz, /metrics, /openapi.json and /docs (Swagger UI, served from
the installed swagger-ui-bundle, so it works without a network)."""

from __future__ import annotations

import os

from flask import Blueprint, Response, jsonify, send_from_directory
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from swagger_ui_bundle import swagger_ui_path

from contracts.gateway import openapi_document
from gateway.runtime import runtime

blueprint = Blueprint("operations", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz() -> Response:
    """Ready once the upstream clients are built (WSDLs parsed, settings valid). Upstream
    outages are not a readiness failure: every replica would be taken out at once."""
    return jsonify(status="ready", upstreams=runtime().endpoints())


@blueprint.get("/metrics")
def metrics() -> Response:
    """This process's metrics or, under a multi-process server that set PROMETHEUS_MULTIPROC_DIR
    (`etjanst up` does), those of every worker added up."""
    registry = runtime().registry
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>etjanst-gateway API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>"""

DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, presets: [SwaggerUIBundle.presets.apis]});"""


@blueprint.get("/docs")
@blueprint.get("/docs/")
def docs() -> Response:
    return Response(DOCS_PAGE, content_type="text/html; charset=utf-8")


@blueprint.get("/docs/init.js")
def docs_init() -> Response:
    return Response(DOCS_INIT, content_type="text/javascript; charset=utf-8")


@blueprint.get("/docs/<any('swagger-ui.css', 'swagger-ui-bundle.js'):asset>")
def docs_asset(asset: str) -> Response:
    return send_from_directory(swagger_ui_path, asset)
