"""All the mocks as one Flask app under /mocks/."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from mocks.cosmic.mock import CosmicMock
from mocks.kit.admin import admin_blueprint, problem
from mocks.kit.config import MockConfig
from mocks.kit.routes import soap_blueprint
from mocks.kit.service import SoapMock
from mocks.kit.store import MockStore

MOCKS: tuple[type[SoapMock], ...] = (CosmicMock,)


def create_mocks_app(config: MockConfig) -> Flask:
    app = Flask("mocks")
    store = MockStore(config.state_path)
    mocks = [mock_class(config, store) for mock_class in MOCKS]
    for mock in mocks:
        app.register_blueprint(soap_blueprint(mock))
        app.register_blueprint(admin_blueprint(mock))
    app.extensions["etjanst_mocks"] = {mock.name: mock for mock in mocks}

    @app.get("/mocks/")
    def index() -> Response:
        root = request.host_url.rstrip("/")
        return jsonify(
            mocks={
                mock.name: {
                    "endpoint": f"{root}/mocks/{mock.name}/{mock.endpoint}",
                    "wsdl": f"{root}/mocks/{mock.name}/{mock.endpoint}?wsdl",
                    "admin": f"{root}/mocks/{mock.name}/_admin/",
                    "operations": sorted(mock.operation_names()),
                }
                for mock in mocks
            }
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
