"""The gateway alone, for production WSGI servers:

    gunicorn -k gthread -w 4 --threads 8 'gateway.wsgi:create()'

Settings come from the environment (`ETJANST_*`) and the TOML file named by `ETJANST_CONFIG`.
Without the built-in mocks every upstream needs its `url`.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from gateway.app import create_app
from gateway.settings import load_settings


def create() -> Flask:
    config = os.environ.get("ETJANST_CONFIG")
    return create_app(load_settings(Path(config) if config else None))
