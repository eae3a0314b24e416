"""Benchmark the renew-prescription list: the gateway against the same SOAP call made straight to
the built-in Cosmic mock, both served by one `etjanst up` (gunicorn gthread) on a loopback port.

Scenario A, a typical patient (label adult-rules): a closed-loop load of N client threads, each
with its own keep-alive requests.Session, against
  direct   POST /mocks/cosmic/GetMedicationHistory/2/rivtabp21 with the exact SOAP request the
           gateway sends (built once with zeep from contracts/cosmic), and
  gateway  GET /v1/units/SE2321000057-5VTN/ordinations with a bearer token.
Both variants get the same load in one run, in alternating blocks (direct, gateway, gateway,
direct, ...) after a warm-up of each, so drift hits both alike.

Scenario B, the 2,000-record patient (label many-records): one client, sequential requests,
alternating gateway and direct, for p50/p99 latency.

Targets (printed as meets/misses, never asserted): gateway throughput >= 50 % of direct, and the
2,000-record list's gateway p50 < 250 ms.

    python bench/bench_ordinations.py [--duration 10] [--warmup 2] [--clients 8] [--port 0]
                                      [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from lxml import etree
from zeep import Client
from zeep import Settings as ZeepSettings

from contracts.cosmic import BINDING, OPERATION, RESPONDER_NS, WSDL
from etjanst.cli import DEFAULT_WORKERS
from gateway.auth import mint_token

HOST = "127.0.0.1"  # loopback only: the server is bound here and every request goes here
TODAY = "2026-11-25"
WINDOW = ("20211125", "20261125")  # the gateway's five-year window for TODAY
SECRET = "bench-only-hs256-secret-0123456789abcdef"
UNIT = "SE2321000057-5VTN"
LOGICAL_ADDRESS = "SE2321000057-7P8R"
CONSUMER_HSA_ID = "SE2321000057-E1177"  # the gateway's default consumer_hsa_id
PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"
SOAP_ACTION = (
    '"urn:riv:clinicalprocess:activityprescription:actoutcome:'
    'GetMedicationHistoryResponder:2:GetMedicationHistory"'
)
MOCK_PATH = "/mocks/cosmic/GetMedicationHistory/2/rivtabp21"
DATASET_PATH = "/mocks/cosmic/_admin/dataset"
ORDINATIONS_PATH = f"/v1/units/{UNIT}/ordinations"
TYPICAL, MANY = "adult-rules", "many-records"

REQUEST_TIMEOUT_S = 30.0
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
THROUGHPUT_TARGET_PCT = 50.0
MANY_P50_TARGET_MS = 250.0


class BenchError(Exception):
    """A readable reason the benchmark cannot go on."""


# the server ----------------------------------------------------------------------------------
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


def etjanst_script() -> Path:
    script = Path(sys.executable).with_name("etjanst")
    if not script.is_file():
        raise BenchError(f"no etjanst script next to {sys.executable}: install the project first")
    return script


def server_env(secret: str) -> dict[str, str]:
    """This environment without anything that could re-point or re-bind the server, or send
    the gateway's calls to the mock through a proxy."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ETJANST_")
        and k != "GUNICORN_CMD_ARGS"
        and not k.lower().endswith("_proxy")
    }
    env.update(ETJANST_TODAY=TODAY, ETJANST_AUTH__HS256_SECRET=secret)
    return env


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


def _plus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _proc_cpu_seconds(pid: int, tick: float) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of one process, from /proc (Linux)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) * tick


class Server:
    """`etjanst up` as a child process in its own session, so Ctrl-C reaches only this script,
    which then stops the server itself."""

    def __init__(self, port: int, workers: int, threads: int, secret: str, log: Path) -> None:
        self.port, self.workers, self.threads = port, workers, threads
        self.secret, self.log = secret, log
        self.url = f"http://{HOST}:{port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._tick = 1.0 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01

    def start(self) -> None:
        command = [
            str(etjanst_script()),
            "up",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
        ]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                command,
                env=server_env(self.secret),
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
                        f"etjanst up exited with status {self.proc.returncode}:\n{self.log_tail()}"
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


@contextmanager
def running_server(port: int, workers: int, threads: int, secret: str) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="etjanst-bench-") as scratch:
        server = Server(port, workers, threads, secret, Path(scratch) / "server.log")
        try:
            server.start()
            server.wait_healthy()
            yield server
        finally:
            server.stop()


# the requests --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    name: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None

    def send(self, session: requests.Session) -> requests.Response:
        return session.request(
            self.method, self.url, headers=self.headers, data=self.body, timeout=REQUEST_TIMEOUT_S
        )


def soap_request(patient_id: str) -> bytes:
    """The GetMedicationHistory envelope exactly as the gateway's zeep client builds it."""
    client = Client(str(WSDL), settings=ZeepSettings(strict=False, forbid_external=True))
    service = client.create_service(BINDING, f"http://{HOST}{MOCK_PATH}")
    envelope = client.create_message(
        service,
        OPERATION,
        _soapheaders={"LogicalAddress": LOGICAL_ADDRESS},
        careUnitHSAId=[UNIT],
        patientId={"id": patient_id, "type": PERSONNUMMER_OID},
        datePeriod={"start": WINDOW[0], "end": WINDOW[1]},
    )
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def direct_variant(base_url: str, patient_id: str) -> Variant:
    headers = {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": SOAP_ACTION,
        "x-rivta-original-serviceconsumer-hsaid": CONSUMER_HSA_ID,
    }
    return Variant("direct (mock)", "POST", base_url + MOCK_PATH, headers, soap_request(patient_id))


def gateway_variant(base_url: str, secret: str, patient_id: str) -> Variant:
    headers = {"Authorization": f"Bearer {mint_token(secret, patient_id)}"}
    return Variant("gateway", "GET", base_url + ORDINATIONS_PATH, headers)


def patients_by_label(base_url: str) -> dict[str, str]:
    with loopback_session() as session:
        response = session.get(base_url + DATASET_PATH, timeout=REQUEST_TIMEOUT_S)
    response.raise_for_status()
    return {p["label"]: p["id"] for p in response.json()["patients"]}


def check(variant: Variant, session: requests.Session) -> str:
    """One request that must succeed; a short description of what came back."""
    response = variant.send(session)
    if response.status_code != 200:
        raise BenchError(
            f"{variant.name}: HTTP {response.status_code}: {response.text[:300]!r} (before load)"
        )
    size = f"{len(response.content) / 1024:.1f} KiB"
    if variant.method == "POST":
        document = etree.fromstring(response.content)
        records = document.findall(f".//{{{RESPONDER_NS}}}medicationMedicalRecord")
        code = document.findtext(f".//{{{RESPONDER_NS}}}result/{{*}}resultCode")
        if code != "OK":
            raise BenchError(f"{variant.name}: resultCode {code!r} (before load)")
        return f"{len(records)} records, {size}"
    body = response.json()
    if not body.get("listAvailable"):
        raise BenchError(f"{variant.name}: list not available: {body.get('reason')!r}")
    return f"{len(body['ordinations'])} ordinations, {size}"


# measuring -----------------------------------------------------------------------------------
@dataclass
class Result:
    """Everything measured for one variant, summed over its blocks."""

    name: str
    latencies_s: list[float] = field(default_factory=list)  # successful requests only
    errors: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: float | None = 0.0
    machine_cpu_s: float | None = 0.0  # every process on the box, this one and the server too

    @property
    def ok(self) -> int:
        return len(self.latencies_s)

    @property
    def requests(self) -> int:
        return self.ok + sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def percentile_ms(self, p: float) -> float | None:
        """Nearest rank: with 30 samples p99 is the slowest one."""
        if not self.latencies_s:
            return None
        ordered = sorted(self.latencies_s)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    def per_request_ms(self, seconds: float | None) -> float | None:
        return seconds / self.requests * 1000 if seconds is not None and self.requests else None

    def add(self, other: Result) -> None:
        self.latencies_s += other.latencies_s
        self.errors.update(other.errors)
        self.elapsed_s += other.elapsed_s
        self.client_cpu_s += other.client_cpu_s
        self.server_cpu_s = _plus(self.server_cpu_s, other.server_cpu_s)
        self.machine_cpu_s = _plus(self.machine_cpu_s, other.machine_cpu_s)

    def cores(self, seconds: float | None) -> float | None:
        """CPU seconds as cores busy on average over the measured time."""
        return seconds / self.elapsed_s if seconds is not None and self.elapsed_s else None

    def other_cpu_s(self) -> float | None:
        """CPU used by neither the server nor this load generator: other work on the box
        (clock-tick rounding can make a true zero come out slightly negative)."""
        other = _minus(_minus(self.machine_cpu_s, self.server_cpu_s), self.client_cpu_s)
        return None if other is None else max(0.0, other)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.requests - self.ok,
            "error_kinds": dict(self.errors),
            "elapsed_s": round(self.elapsed_s, 3),
            "req_per_s": round(self.rate, 1),
            "p50_ms": _round(self.percentile_ms(50)),
            "p90_ms": _round(self.percentile_ms(90)),
            "p99_ms": _round(self.percentile_ms(99)),
            "max_ms": _round(self.percentile_ms(100)),
            "server_cpu_ms_per_request": _round(self.per_request_ms(self.server_cpu_s)),
            "client_cpu_ms_per_request": _round(self.per_request_ms(self.client_cpu_s)),
            "server_cores": _round(self.cores(self.server_cpu_s)),
            "client_cores": _round(self.cores(self.client_cpu_s)),
            "other_cores": _round(self.cores(self.other_cpu_s())),
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


class Budget:
    """At most `limit` requests, shared by the client threads of one block."""

    def __init__(self, limit: int) -> None:
        self.left, self.lock = limit, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def one_request(variant: Variant, session: requests.Session, result: Result) -> None:
    started = time.perf_counter()
    try:
        response = variant.send(session)
    except requests.RequestException as exc:
        result.errors[type(exc).__name__] += 1
        time.sleep(0.01)  # a dead server must not turn the loop into a spin
        return
    if 200 <= response.status_code < 300:
        result.latencies_s.append(time.perf_counter() - started)
    else:
        result.errors[f"HTTP {response.status_code}"] += 1


def closed_loop(
    variant: Variant,
    sessions: list[requests.Session],
    seconds: float,
    max_requests: int,
    server: Server,
) -> Result:
    """len(sessions) threads, each sending its next request as soon as the last one is answered,
    until `seconds` have passed or `max_requests` have been sent."""
    budget, go, stop = Budget(max_requests), threading.Event(), threading.Event()
    parts = [Result(variant.name) for _ in sessions]
    failures: list[BaseException] = []
    deadline = [0.0]

    def client(session: requests.Session, part: Result) -> None:
        try:
            go.wait(timeout=60)
            while not stop.is_set() and time.perf_counter() < deadline[0] and budget.take():
                one_request(variant, session, part)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [
        threading.Thread(target=client, args=(s, p), daemon=True, name=f"client-{i}")
        for i, (s, p) in enumerate(zip(sessions, parts, strict=True))
    ]
    for thread in threads:
        thread.start()
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    machine_cpu = machine_busy_seconds()
    started = time.perf_counter()
    deadline[0] = started + seconds
    go.set()
    try:
        join_by = started + seconds + REQUEST_TIMEOUT_S + 5
        for thread in threads:
            thread.join(timeout=max(0.0, join_by - time.perf_counter()))
    finally:
        stop.set()
    if any(thread.is_alive() for thread in threads):
        raise BenchError(f"{variant.name}: client threads did not finish in time")
    if failures:
        raise BenchError(f"{variant.name}: a client thread failed: {failures[0]!r}")
    total = Result(variant.name)
    for part in parts:
        total.add(part)
    total.elapsed_s = time.perf_counter() - started
    total.client_cpu_s = time.process_time() - client_cpu
    total.machine_cpu_s = _minus(machine_busy_seconds(), machine_cpu)
    total.server_cpu_s = _minus(server.cpu_seconds(), server_cpu)
    return total


def scenario_a(
    server: Server, direct: Variant, gateway: Variant, args: argparse.Namespace
) -> dict[str, Result]:
    variants = [direct, gateway]
    sessions = {v.name: [loopback_session() for _ in range(args.clients)] for v in variants}
    per_block_s = args.duration / args.rounds
    per_block_max = math.ceil(args.max_requests / args.rounds)
    results = {v.name: Result(v.name) for v in variants}
    try:
        for variant in variants:  # warm-up: connections, worker caches, both workers booted
            closed_loop(variant, sessions[variant.name], args.warmup, per_block_max, server)
        for round_no in range(args.rounds):  # direct, gateway, gateway, direct, ...
            for variant in variants if round_no % 2 == 0 else variants[::-1]:
                block = closed_loop(
                    variant, sessions[variant.name], per_block_s, per_block_max, server
                )
                results[variant.name].add(block)
    finally:
        for group in sessions.values():
            for session in group:
                session.close()
    return results


def scenario_b(
    server: Server, direct: Variant, gateway: Variant, args: argparse.Namespace
) -> dict[str, Result]:
    """One client, one request at a time, alternating gateway and direct."""
    variants = [gateway, direct]
    results = {v.name: Result(v.name) for v in variants}
    discard = Result("warm-up")
    with loopback_session() as session:
        for _ in range(args.seq_warmup):
            for variant in variants:
                one_request(variant, session, discard)
        for i in range(args.seq_requests):
            for variant in variants if i % 2 == 0 else variants[::-1]:
                result = results[variant.name]
                server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
                started = time.perf_counter()
                one_request(variant, session, result)
                result.elapsed_s += time.perf_counter() - started
                result.client_cpu_s += time.process_time() - client_cpu
                used = _minus(server.cpu_seconds(), server_cpu)
                result.server_cpu_s = _plus(result.server_cpu_s, used)
                result.machine_cpu_s = None  # not measured per request
    return results


# reporting -----------------------------------------------------------------------------------
def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _cores(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(results: list[Result]) -> str:
    head = (
        f"  {'variant':<15} {'requests':>9} {'errors':>7} {'req/s':>9} {'p50 ms':>8} "
        f"{'p99 ms':>8}   {'server CPU ms/req':>17} {'client CPU ms/req':>17}"
    )
    lines = [head, "  " + "-" * (len(head) - 2)]
    for r in results:
        lines.append(
            f"  {r.name:<15} {r.requests:>9} {r.requests - r.ok:>7} {r.rate:>9.1f} "
            f"{_ms(r.percentile_ms(50)):>8} {_ms(r.percentile_ms(99)):>8}   "
            f"{_ms(r.per_request_ms(r.server_cpu_s)):>17} "
            f"{_ms(r.per_request_ms(r.client_cpu_s)):>17}"
        )
        if r.errors:
            kinds = ", ".join(f"{k} x{n}" for k, n in r.errors.most_common(3))
            lines.append(f"  {'':<15} errors: {kinds}")
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "meets" if ok else "misses"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = top.add_argument
    add("--duration", type=float, default=10.0, help="measured seconds per variant (A)")
    add("--warmup", type=float, default=2.0, help="warm-up seconds per variant (A)")
    add("--clients", type=int, default=8, help="concurrent client threads (A)")
    add("--port", type=int, default=0, help="server port on 127.0.0.1 (0: a free one)")
    add("--json", type=Path, help="also write the numbers to this file")
    add("--rounds", type=int, default=2, help="blocks per variant (A), alternating")
    add("--max-requests", type=int, default=200_000, help="cap per variant (A)")
    add("--seq-requests", type=int, default=30, help="measured requests per variant (B)")
    add("--seq-warmup", type=int, default=3, help="warm-up requests per variant (B)")
    add("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn workers (etjanst's default)")
    add("--threads", type=int, default=8, help="threads per gunicorn worker (etjanst's default)")
    args = top.parse_args(argv)
    positive = (
        "duration",
        "clients",
        "rounds",
        "max_requests",
        "seq_requests",
        "workers",
        "threads",
    )
    for name in positive:
        if getattr(args, name) <= 0:
            top.error(f"--{name.replace('_', '-')} must be positive")
    if args.warmup < 0 or args.seq_warmup < 0:
        top.error("warm-ups cannot be negative")
    if not 0 <= args.port <= 65535:
        top.error("--port must be 0..65535")
    if args.clients > args.workers * args.threads // 2:
        # Each gateway request holds a server thread while its call to the mock needs another
        # one of the same server: with every thread in a gateway request, the mock calls wait
        # until the gateway's read timeout (seen: 64 clients on 2 x 16 threads, all 504).
        print(
            f"bench: warning: more than {args.workers * args.threads // 2} clients can starve "
            "the gateway's own calls to the mock of server threads (504s after its read timeout)",
            file=sys.stderr,
        )
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    port = free_port(args.port)
    print(
        f"etjanst up on {HOST}:{port}, {args.workers} workers x {args.threads} threads (gthread); "
        f"{os.cpu_count()} CPUs shared with this load generator; today {TODAY}",
        flush=True,
    )
    with running_server(port, args.workers, args.threads, SECRET) as server:
        ids = patients_by_label(server.url)
        missing = {TYPICAL, MANY} - ids.keys()
        if missing:
            raise BenchError(f"the mock's dataset has no patient labelled {sorted(missing)}")
        a_direct, a_gateway = (
            direct_variant(server.url, ids[TYPICAL]),
            gateway_variant(server.url, SECRET, ids[TYPICAL]),
        )
        b_direct, b_gateway = (
            direct_variant(server.url, ids[MANY]),
            gateway_variant(server.url, SECRET, ids[MANY]),
        )
        with loopback_session() as session:
            for label, pair in ((TYPICAL, (a_direct, a_gateway)), (MANY, (b_direct, b_gateway))):
                seen = "; ".join(f"{v.name}: {check(v, session)}" for v in pair)
                print(f"  {label}: {seen}", flush=True)

        print(
            f"\nScenario A - typical patient ({TYPICAL}): {args.clients} clients, closed loop, "
            f"{args.duration:g} s per variant in {args.rounds} alternating blocks "
            f"after {args.warmup:g} s warm-up each",
            flush=True,
        )
        a = scenario_a(server, a_direct, a_gateway, args)
        print(table([a[a_direct.name], a[a_gateway.name]]))
        direct_rate = a[a_direct.name].rate
        ratio = a[a_gateway.name].rate / direct_rate * 100 if direct_rate else 0.0
        meets_a = ratio >= THROUGHPUT_TARGET_PCT
        print(
            f"  gateway/direct throughput: {ratio:.1f} % "
            f"(target >= {THROUGHPUT_TARGET_PCT:g} %): {verdict(meets_a)}"
        )
        print(
            f"  CPU busy, in cores of {os.cpu_count()}: server / this load generator / "
            "other processes"
        )
        for result in (a[a_direct.name], a[a_gateway.name]):
            used = (result.server_cpu_s, result.client_cpu_s, result.other_cpu_s())
            print(f"    {result.name:<15} " + " / ".join(_cores(result.cores(u)) for u in used))

        print(
            f"\nScenario B - 2,000-record patient ({MANY}): 1 client, sequential, "
            f"{args.seq_requests} requests per variant after {args.seq_warmup} warm-up, "
            "alternating",
            flush=True,
        )
        b = scenario_b(server, b_direct, b_gateway, args)
        print(table([b[b_direct.name], b[b_gateway.name]]))
        p50 = b[b_gateway.name].percentile_ms(50)
        meets_b = p50 is not None and p50 < MANY_P50_TARGET_MS
        print(
            f"  gateway p50 for the 2,000-record list: {_ms(p50)} ms "
            f"(target < {MANY_P50_TARGET_MS:g} ms): {verdict(meets_b)}"
        )
        if args.seq_requests < 100:
            print(f"  (p99 of {args.seq_requests} samples is the slowest one)")

    return {
        "config": {
            "host": HOST,
            "port": port,
            "workers": args.workers,
            "threads": args.threads,
            "clients": args.clients,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "rounds": args.rounds,
            "max_requests": args.max_requests,
            "seq_requests": args.seq_requests,
            "seq_warmup": args.seq_warmup,
            "today": TODAY,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "scenario_a": {
            "label": TYPICAL,
            "direct": a[a_direct.name].summary(),
            "gateway": a[a_gateway.name].summary(),
            "gateway_direct_throughput_pct": round(ratio, 1),
            "throughput_target_pct": THROUGHPUT_TARGET_PCT,
            "meets_throughput_target": meets_a,
        },
        "scenario_b": {
            "label": MANY,
            "direct": b[b_direct.name].summary(),
            "gateway": b[b_gateway.name].summary(),
            "gateway_p50_ms": _round(p50),
            "p50_target_ms": MANY_P50_TARGET_MS,
            "meets_p50_target": meets_b,
        },
    }


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    for sig in (signal.SIGTERM, signal.SIGHUP):  # so the server is stopped on these too
        signal.signal(sig, _terminate_as_interrupt)
    try:
        results = run(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; the server was stopped", file=sys.stderr)
        return 130
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"\nnumbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
