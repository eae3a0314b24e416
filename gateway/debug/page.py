"""/_debug: the journal as a page for integration staff. Server-rendered, self-contained (no
script, no external asset: the style sheet is inline under a per-response nonce), every value
escaped, behind its own credential (`debug.token`, never a citizen's or staff token). The
blueprint is registered only when `debug.enabled`: otherwise every /_debug path is a 404."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets

from flask import Blueprint, Flask, Response, abort, g, render_template, request

from contracts.registry import UPSTREAMS
from gateway.debug.capture import DebugCapture
from gateway.debug.journal import DebugJournal, Filters, JournalRequest
from gateway.debug.wire import pretty
from gateway.runtime import Runtime, runtime

PAGE_SIZE = 100
REALM = "etjanst debug"

blueprint = Blueprint("debug", __name__, url_prefix="/_debug", template_folder="templates")


def install(app: Flask, found: Runtime) -> None:
    """The capture hooks and the page: only for a runtime with a journal (`debug.enabled`)."""
    if found.debug is None:
        raise ValueError("debug.enabled is off: there is no journal to show")
    DebugCapture(found.debug, found.settings.debug.max_body_bytes).install(app, found.upstreams)
    app.register_blueprint(blueprint)


def _journal() -> DebugJournal:
    journal = runtime().debug
    if journal is None:  # never registered without it
        abort(404)
    return journal


@blueprint.before_request
def _authenticate() -> Response | None:
    expected = runtime().settings.debug.token or ""
    if expected and hmac.compare_digest(_offered(), expected.encode()):
        return None
    response = Response(
        "The debug page needs its credential (debug.token).\n", 401, mimetype="text/plain"
    )
    response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def _offered() -> bytes:
    """The token given as `Bearer <token>`, or as the password of HTTP Basic (any user name,
    so that a browser can prompt for it)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip().encode()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).partition(b":")[2]
        except (binascii.Error, ValueError):
            return b""
    return b""


@blueprint.after_request
def _protect(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{g.get('style_nonce', '')}'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blueprint.get("")
@blueprint.get("/")
def recent() -> Response:
    try:
        filters = Filters.of(request.args)
    except ValueError as exc:
        return _listing([], Filters(), error=str(exc), status=400)
    return _listing(_journal().recent(filters, PAGE_SIZE), filters)


@blueprint.get("/requests/<int:entry>")
def one(entry: int) -> Response:
    found = _journal().one(entry)
    if found is None:
        error = f"no request {entry} in the journal (it may have been pruned)"
        return _listing([], Filters(), error=error, status=404)
    return _render("debug_request.html", 200, entry=found)


def _listing(
    entries: list[JournalRequest], filters: Filters, error: str | None = None, status: int = 200
) -> Response:
    upstreams = [u.name for u in UPSTREAMS]  # the filter's suggestions
    operations = sorted({i.operation for u in UPSTREAMS for i in u.interactions})
    return _render(
        "debug_list.html",
        status,
        entries=entries,
        filters=filters,
        error=error,
        choices={"upstreams": upstreams, "operations": operations},
    )


def _render(template: str, status: int, **values: object) -> Response:
    g.style_nonce = secrets.token_urlsafe(16)
    html = render_template(template, nonce=g.style_nonce, pretty=pretty, **values)
    return Response(html, status, mimetype="text/html")
