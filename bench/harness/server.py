"""`etjanst up` on a free loopback port for the length of a benchmark, and the CPU it uses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path

import requests

HOST = "127.0.0.1"  # loopback only: the server is bound here and every request goes here
TODAY = date(2026, 11, 25)  # pinned, so that every run sees the same data and date windows
SECRET = "bench-only-hs256-secret-0123456789abcdef"
REQUEST_TIMEOUT_S = 30.0
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


class BenchError(Exception):
    """A readable reason the benchmark cannot go on."""


def free_port(wanted: int = 0) -> int:
    """`wanted` (0: one the system picks), after checking nothing listens there, so that
    /healthz cannot be answered by some other server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((HOST, wanted))
        except OSError as exc:
            raise BenchError(f"port {wanted} on {HOST} is not free: {exc}") from exc
        return int(probe.getsockname()[1])


def loopback_session() -> requests.Session:
    """A keep-alive session that ignores *_proxy variables: every request stays on loopback."""
    session = requests.Session()
    session.trust_env = False
    return session


def plus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def machine_busy_seconds() -> float | None:
    """CPU seconds all CPUs together spent running processes since boot, plus time the
    hypervisor took (steal), from /proc/stat (Linux). Interrupt time is left out: it is
    mostly our own loopback traffic, which no process's own CPU time includes."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = (int(x) for x in first[1:9])
    return (user + nice + system + steal) / os.sysconf("SC_CLK_TCK")


def _proc_cpu_seconds(pid: int, tick: float) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of one process, from /proc (Linux)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) * tick


def _etjanst_script() -> Path:
    script = Path(sys.executable).with_name("etjanst")
    if not script.is_file():
        raise BenchError(f"no etjanst script next to {sys.executable}: install the project first")
    return script


def _server_env() -> dict[str, str]:
    """This environment without anything that could re-point or re-bind the server, or send
    the gateway's calls to the mocks through a proxy."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ETJANST_")
        and k != "GUNICORN_CMD_ARGS"
        and not k.lower().endswith("_proxy")
    }
    env.update(ETJANST_TODAY=TODAY.isoformat(), ETJANST_AUTH__HS256_SECRET=SECRET)
    return env


class Server:
    """`etjanst up` as a child process in its own session, so Ctrl-C reaches only the bench,
    which then stops the server itself. `today` and `secret` are what it was started with."""

    today, secret = TODAY, SECRET
    name = "etjanst up"

    def __init__(self, port: int, workers: int, threads: int, log: Path) -> None:
        self.port, self.workers, self.threads, self.log = port, workers, threads, log
        self.url = f"http://{HOST}:{port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._tick = 1.0 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01

    def command(self) -> list[str]:
        command = [str(_etjanst_script()), "up", "--host", HOST, "--port", str(self.port)]
        return [*command, "--workers", str(self.workers), "--threads", str(self.threads)]

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.command(),
                # its database in the scratch directory, not the user's: every run starts alike
                env=_server_env() | {"XDG_STATE_HOME": str(self.log.parent / "state")},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout_s
        with loopback_session() as session:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise BenchError(
                        f"{self.name} exited with status {self.proc.returncode}:\n{self.log_tail()}"
                    )
                with suppress(requests.RequestException):
                    if session.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                        return
                time.sleep(0.1)
        raise BenchError(f"no 200 from /healthz within {timeout_s:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def patient_ids(self, mock: str, *labels: str) -> dict[str, str]:
        """Patient ids by dataset label, from the mock's admin API: the bench uses the same
        default data as everyone else, without knowing its identity numbers."""
        with loopback_session() as session:
            response = session.get(
                f"{self.url}/mocks/{mock}/_admin/patients", timeout=REQUEST_TIMEOUT_S
            )
        response.raise_for_status()
        ids = {p["label"]: p["id"] for p in response.json()["patients"]}
        missing = sorted(set(labels) - ids.keys())
        if missing:
            raise BenchError(f"the {mock} mock's dataset has no patient labelled {missing}")
        return {label: ids[label] for label in labels}

    def cpu_seconds(self) -> float | None:
        """CPU used so far by the gunicorn master and its workers (None off Linux)."""
        if self.proc is None or not Path("/proc").is_dir():
            return None
        master = _proc_cpu_seconds(self.proc.pid, self._tick)
        if master is None:
            return None
        total = master[1]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != self.proc.pid:
                found = _proc_cpu_seconds(int(entry.name), self._tick)
                if found is not None and found[0] == self.proc.pid:
                    total += found[1]
        return total

    def stop(self) -> None:
        """SIGTERM (gunicorn's graceful stop), then SIGKILL to its process group after a
        timeout, or at once if interrupted again while waiting."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            proc.terminate()
            proc.wait(timeout=STOP_TIMEOUT_S)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: the master and workers
            except (ProcessLookupError, PermissionError):
                proc.kill()
            proc.wait(timeout=10)


class TrivialServer(Server):
    """The reference: a trivial Flask route (trivial_app.py) under the same gunicorn settings
    as `etjanst up`, in a server of its own."""

    name = "the trivial reference server"

    def command(self) -> list[str]:
        script = Path(__file__).with_name("trivial_app.py")
        command = [sys.executable, str(script), "--host", HOST, "--port", str(self.port)]
        return [*command, "--workers", str(self.workers), "--threads", str(self.threads)]


@contextmanager
def running_server(
    port: int, workers: int, threads: int, kind: type[Server] = Server
) -> Iterator[Server]:
    """A healthy server for the length of the block, stopped however the block ends."""
    with tempfile.TemporaryDirectory(prefix="etjanst-bench-") as scratch:
        server = kind(port, workers, threads, Path(scratch) / "server.log")
        try:
            server.start()
            server.wait_healthy()
            yield server
        finally:
            server.stop()
