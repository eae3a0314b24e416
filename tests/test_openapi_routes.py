"""The served OpenAPI document and the app's routes are the same set of (method, path): no
endpoint goes undocumented, and no documented operation is missing. Left out: the Swagger UI's
own files under /docs/ (the page itself, /docs, is documented), and the RIV-TA SOAP producers
under /riv/, whose contract is their WSDL (served at `?wsdl`, in contracts/<contract>/), and
/_debug, an HTML page for integration staff behind its own credential that exists only when
`debug.enabled` (it is no part of the API: no client is ever built against it)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from contracts.gateway import openapi_document
from etjanst.server import with_builtin_upstreams
from gateway.app import create_app
from tests.conftest import make_settings

METHODS = ("get", "put", "post", "delete", "patch")
# a Flask rule's `<converter(args):name>` and an OpenAPI path's `{name}`: the names may differ
# (case_id and caseId); what matters is where a parameter stands
FLASK_PARAMETER = re.compile(r"<[^>]+>")
OPENAPI_PARAMETER = re.compile(r"\{[^}]+\}")


def undocumented_on_purpose(path: str) -> bool:
    return path.startswith(("/docs/", "/riv/", "/_debug"))


@pytest.fixture(scope="module")
def app() -> Flask:
    # nothing is called upstream: the app is only asked for its routes (all of them: /_debug too)
    settings = make_settings(debug={"enabled": True, "token": "routes-test-token-0123"})
    return create_app(with_builtin_upstreams(settings, "http://127.0.0.1:9"))


def routed(app: Flask) -> set[tuple[str, str]]:
    return {
        (method.lower(), FLASK_PARAMETER.sub("{}", rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method.lower() in METHODS and not undocumented_on_purpose(rule.rule)
    }


def documented() -> set[tuple[str, str]]:
    return {
        (method, OPENAPI_PARAMETER.sub("{}", path))
        for path, item in openapi_document()["paths"].items()
        for method in item
        if method in METHODS
    }


def test_every_route_is_documented(app: Flask) -> None:
    missing = sorted(routed(app) - documented())
    assert not missing, f"routes without an operation in the OpenAPI document: {missing}"


def test_every_documented_operation_is_routed(app: Flask) -> None:
    stale = sorted(documented() - routed(app))
    assert not stale, f"operations in the OpenAPI document that the app does not serve: {stale}"
