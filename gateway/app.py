"""create_app(settings): the gateway's Flask app. Nothing is built at import time."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from contracts.logs import install_safe_logging
from contracts.privacy import mask_text
from gateway.api import (
    cases,
    catalogue,
    eoffering,
    high_cost,
    high_cost_outpatient,
    listing,
    me,
    operations,
    ordinations,
    prescriptions,
    staff,
    units,
    web_booking,
)
from gateway.api.problems import problem
from gateway.context import correlation_id, held_for_request
from gateway.debug import page as debug_page
from gateway.errors import ApiError, UpstreamError
from gateway.json_output import OrjsonProvider
from gateway.runtime import Runtime, runtime
from gateway.settings import DEVELOPMENT_SECRET, ConfigFileError, Settings

CORRELATION_HEADER = "X-Correlation-ID"
ACCEPTABLE_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")

# one module per area of the API, each with its `blueprint`
BLUEPRINTS = (
    operations,
    units,
    ordinations,
    web_booking,
    cases,
    catalogue,
    staff,
    eoffering,
    me,
    prescriptions,
    high_cost,
    high_cost_outpatient,
    listing,
)

log = logging.getLogger("etjanst.gateway")


# The API takes no request bodies today; anything larger is refused before it is read.
MAX_REQUEST_BYTES = 64 * 1024


def create_app(settings: Settings) -> Flask:
    """Raises ConfigFileError for settings that are unsafe in production."""
    problems = settings.production_problems()
    if problems:
        raise ConfigFileError(
            "refusing to start in production:\n"
            + "\n".join(f"  {problem}" for problem in problems)
            + '\n(for development, run `etjanst up` or set environment = "development")'
        )
    install_safe_logging()
    app = Flask("gateway", static_folder=None)  # no /static: every route is in the OpenAPI
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.json = OrjsonProvider(app)  # keys as given; "Tenhults vårdcentral", not "v\u00e5rd"
    if settings.auth.hs256_secret == DEVELOPMENT_SECRET and settings.auth.public_key_file is None:
        log.warning("auth uses the built-in development secret: set ETJANST_AUTH__HS256_SECRET")
    built = Runtime.build(settings)
    built.install(app)
    for area in BLUEPRINTS:
        app.register_blueprint(area.blueprint)
    _correlation(app)
    if built.debug is not None:  # otherwise no hook, no observer, no /_debug route
        debug_page.install(app, built)
    _errors(app)
    return app


def _correlation(app: Flask) -> None:
    @app.before_request
    def take_correlation_id() -> None:
        given = request.headers.get(CORRELATION_HEADER, "")
        g.correlation_id = (
            given if ACCEPTABLE_CORRELATION_ID.fullmatch(given) else str(uuid.uuid4())
        )
        correlation_id.set(g.correlation_id)
        g.held = held_for_request()

    @app.after_request
    def give_correlation_id(response: Response) -> Response:
        response.headers[CORRELATION_HEADER] = g.get("correlation_id", "")
        if "held" in g:  # freed once the answer is sent
            response.call_on_close(g.held.clear)
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        runtime().requests_total.labels(endpoint, response.status_code).inc()
        log.debug(
            "%s %s %s [%s]", request.method, endpoint, response.status_code, g.get("correlation_id")
        )
        return response


def _errors(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        if isinstance(exc, UpstreamError):
            log.warning("%s %s [%s]", exc.code, mask_text(exc.detail), g.get("correlation_id"))
        response = problem(exc.status, exc.code, exc.title, mask_text(exc.detail), **exc.members)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").upper().replace(" ", "_")
        response = problem(exc.code or 500, code, exc.name or "Error", exc.description or "")
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error [%s]", g.get("correlation_id"))
        return problem(500, "INTERNAL_ERROR", "Internal error", "see the gateway log")
