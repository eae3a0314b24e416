"""A real PostgreSQL server for the test run, started from Debian's postgresql package
(initdb and pg_ctl) on a free loopback port and removed afterwards. As root, the server runs as
the `postgres` user, since PostgreSQL refuses to run as root."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.integration.test_etjanst_up import free_port


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a SQLAlchemy URL of an empty database on a fresh server."""
    binaries = postgres_bin()
    assert binaries is not None, "PostgreSQL is not installed (apt-get install postgresql)"
    home = Path(tempfile.mkdtemp(prefix="etjanst-pg-"))
    data, port = home / "data", free_port()
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]

    def run(*command: str) -> None:
        subprocess.run([*as_owner, *command], check=True, capture_output=True, timeout=120)

    try:
        run(
            str(binaries / "initdb"), "-D", str(data), "-U", "etjanst", "--auth=trust", "-E", "UTF8"
        )
        options = f"-h 127.0.0.1 -p {port} -k {home} -c fsync=off"
        log = str(home / "server.log")  # the server's own output, or run() would wait for it
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", log, "-o", options, "-w", "start")
        try:
            yield f"postgresql+psycopg://etjanst@127.0.0.1:{port}/postgres"
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(home, ignore_errors=True)
