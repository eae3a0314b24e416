"""Memory soak: a long closed-loop load against `etjanst up`, printing each worker's resident
memory (RSS) at intervals, to show whether it levels off.

The mix is what a day brings: the typical patient's list most of the time, the 2,000-record
list every 20th request, and refusals (an unknown unit, a garbage token), each request with a
correlation id of its own. Numbers are printed, never asserted: each worker's RSS at the first
sample (after a warm-up) and at the end, and whether it stayed within 10 % (the target).

    python bench/soak.py --requests 100000        # the long run: until 100,000 requests
    python bench/soak.py [--duration 180] [--interval 15] [--clients 4] [--smoke]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import threading
import time
import uuid
from pathlib import Path

from harness import BenchError, Server
from harness.server import free_port, loopback_session, running_server

from gateway.auth import mint_token

UNIT = "SE2321000057-5VTN"
TYPICAL, MANY = "adult-rules", "many-records"
MANY_EVERY = 20


def worker_rss_mb(server: Server) -> dict[int, float]:
    """Each gunicorn worker's resident memory in MB, by pid (Linux /proc)."""
    assert server.proc is not None
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == server.proc.pid:
            found[int(entry.name)] = int(fields["VmRSS"].split()[0]) / 1024
    return found


class Load:
    """`clients` threads sending the mix until stopped; counts requests and errors."""

    def __init__(self, server: Server, clients: int) -> None:
        ids = server.patient_ids("cosmic", TYPICAL, MANY)
        token = {label: mint_token(server.secret, number) for label, number in ids.items()}
        base = f"{server.url}/v1/units"
        self.requests = [
            (f"{base}/{UNIT}/ordinations", token[TYPICAL], 200),
            (f"{base}/{UNIT}/ordinations", token[MANY], 200),
            (f"{base}/SE2321000057-ZZZZ/ordinations", token[TYPICAL], 404),
            (f"{base}/{UNIT}/ordinations", "not.a.token", 401),
        ]
        self.done = self.errors = 0
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def _client(self) -> None:
        with loopback_session() as session:
            for n in itertools.count():
                if self.stop.is_set():
                    return
                if n % MANY_EVERY == 0:
                    url, token, expected = self.requests[1]
                elif n % 7 == 0:
                    url, token, expected = self.requests[2 + n % 2]
                else:
                    url, token, expected = self.requests[0]
                headers = {
                    "Authorization": f"Bearer {token}",
                    "X-Correlation-ID": str(uuid.uuid4()),
                }
                try:
                    ok = session.get(url, headers=headers, timeout=60).status_code == expected
                except OSError:
                    ok = False
                with self.lock:
                    self.done += 1
                    self.errors += not ok

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)


def soak(args: argparse.Namespace) -> None:
    with running_server(free_port(args.port), args.workers, args.threads) as server:
        print(f"etjanst up on {server.url} ({args.workers} workers x {args.threads} threads)")
        until = f"{args.requests} requests" if args.requests else f"{args.duration:.0f} s"
        print(f"{args.clients} clients until {until}; RSS of each worker in MB\n")
        samples: list[tuple[int, dict[int, float]]] = []  # (requests so far, RSS by pid)
        started = time.monotonic()
        with Load(server, args.clients) as load:
            try:
                while True:
                    elapsed = time.monotonic() - started
                    samples.append((load.done, worker_rss_mb(server)))
                    rss = "  ".join(f"{mb:6.1f}" for _, mb in sorted(samples[-1][1].items()))
                    print(f"{elapsed:6.0f} s {load.done:8d} req {load.errors:5d} errors   {rss}")
                    if load.done >= args.requests if args.requests else elapsed >= args.duration:
                        break
                    wait = args.interval if args.requests else args.duration - elapsed
                    time.sleep(min(args.interval, max(wait, 0.1)))
            except KeyboardInterrupt:  # a long run cut short still says what it saw
                print(f"interrupted after {load.done} requests")
        report(samples)


FLAT_PCT = 10  # target: every worker's last RSS within this much of its first


WARM_AFTER = 1000  # requests: by then every worker has its caches and pools filled


def report(samples: list[tuple[int, dict[int, float]]]) -> None:
    """Per worker: RSS at the first sample after WARM_AFTER requests and at the end, the growth
    over the run and over its last third (a worker that levels off grows little there), and
    whether it stayed flat within FLAT_PCT."""
    warm = [rss for done, rss in samples if done >= WARM_AFTER] or [samples[-1][1]]
    first, last, third = warm[0], warm[-1], warm[len(warm) * 2 // 3]
    print(f"\nafter {WARM_AFTER} requests (warm) to the end; target: within {FLAT_PCT} %")
    print("worker   first MB  last MB   growth   last third")
    for pid in sorted(last):
        if pid in first and pid in third:
            pct = (last[pid] - first[pid]) / first[pid] * 100
            verdict = "meets" if abs(pct) <= FLAT_PCT else "misses"
            print(
                f"{pid:7d} {first[pid]:9.1f} {last[pid]:8.1f} {pct:+7.1f} %"
                f" {last[pid] - third[pid]:+9.1f} MB   {verdict}"
            )
        else:
            print(f"{pid:7d}  (restarted during the run)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of load")
    parser.add_argument(
        "--requests", type=int, default=0, help="stop after this many requests instead"
    )
    parser.add_argument("--interval", type=float, default=15, help="seconds between samples")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="6 s: does it run at all")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.interval, args.clients = 6, 2, 2
    if not Path("/proc").is_dir():
        print("soak: needs Linux /proc for the workers' memory", file=sys.stderr)
        return 1
    try:
        soak(args)
    except BenchError as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
