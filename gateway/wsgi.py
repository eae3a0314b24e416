"""The gateway alone, for production WSGI servers:

    gunicorn -k gthread -w 4 --threads 8 'gateway.wsgi:create()'

Settings come from the environment (`ETJANST_*`) and the TOML file named by `ETJANST_CONFIG`.
Without the built-in mocks every upstream needs its `url`. This is production: the gateway
refuses to start with the development secret or without `auth.audience` and `auth.issuer`.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from gunicorn.errors import AppImportError

from gateway.app import create_app
from gateway.settings import ConfigFileError, load_settings


def create() -> Flask:
    config = os.environ.get("ETJANST_CONFIG")
    try:
        return create_app(load_settings(Path(config) if config else None))
    except ConfigFileError as exc:  # gunicorn prints this message alone and stops
        raise AppImportError(f"etjanst gateway: {exc}") from exc
