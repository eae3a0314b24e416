"""The stack's ceiling: a Flask route answering a fixed body from memory, served exactly as
`etjanst up` serves the gateway and mocks (gunicorn gthread through etjanst's own runner, same
workers, threads and timeout), so the bench can measure both in the same run.

    python bench/harness/trivial_app.py --port 8001 --workers 4 --threads 8
"""

from __future__ import annotations

import argparse

from flask import Flask, Response

from etjanst.gunicorn_runner import run
from etjanst.ports import listen

PATH = "/trivial"
BODY = b'{"status":"ok"}'


def create_app() -> Flask:
    app = Flask("trivial")

    @app.get(PATH)
    def trivial() -> Response:
        return Response(BODY, content_type="application/json")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response(BODY, content_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--timeout", type=int, default=60)  # etjanst up's default
    args = parser.parse_args()
    listener = listen(args.host, args.port)
    run(create_app, listener, args.workers, args.threads, args.timeout, False)


if __name__ == "__main__":
    main()
