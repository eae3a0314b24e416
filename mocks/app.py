"""Every registered upstream's mock as one Flask app under /mocks/."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from contracts.logs import install_safe_logging
from contracts.registry import UPSTREAMS
from contracts.upstream import Upstream, resolve
from mocks.kit.admin import admin_blueprint, mock_paths, problem
from mocks.kit.config import MockConfig
from mocks.kit.mock import Mock
from mocks.kit.store import MockStore


def create_mocks_app(config: MockConfig, upstreams: Sequence[Upstream] = UPSTREAMS) -> Flask:
    """The mocks of `upstreams` (every registered upstream by default) on one app."""
    install_safe_logging()
    app = Flask("mocks")
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    store = MockStore(config.state_path)
    mocks: list[Mock] = [resolve(upstream.mock)(config, store) for upstream in upstreams]
    for mock in mocks:
        app.register_blueprint(mock.blueprint())
        app.register_blueprint(admin_blueprint(mock))

    @app.get("/mocks/")
    def index() -> Response:
        root = request.host_url.rstrip("/")
        return jsonify(
            mocks={mock.name: _describe(mock, root + mock.upstream.mock_path) for mock in mocks}
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = problem(
            exc.code or 500, (exc.name or "error").upper().replace(" ", "_"), exc.description or ""
        )
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    return app


def _describe(mock: Mock, root: str) -> dict[str, object]:
    endpoints = {op: f"{root}/{path}" for op, path in mock_paths(mock).items()}
    described: dict[str, object] = {
        "title": mock.upstream.title,
        "protocol": mock.upstream.protocol,
        "endpoints": endpoints,
    }
    if mock.upstream.protocol == "soap":
        described["wsdl"] = {op: f"{url}?wsdl" for op, url in endpoints.items()}
    described["admin"] = f"{root}/_admin/"
    described["operations"] = mock.operation_names()
    return described
