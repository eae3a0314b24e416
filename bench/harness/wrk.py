"""The load generator of choice: `wrk` (Debian package `wrk`), a C program that takes far less
CPU per request than the Python generator, so it steals less of what it measures. A Lua script
gives it the request (method, headers, and the body read from a file, as SOAP needs) and prints
its numbers as one JSON line at the end: counts, errors, and the latency histogram."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

from .load import Result, Variant
from .server import REQUEST_TIMEOUT_S, BenchError, Server, machine_busy_seconds, minus

WRK = "wrk"

# done(): the latency histogram as [microseconds, count] pairs, so blocks can be merged and
# percentiles taken over the whole variant, exactly as for the Python generator's samples.
REPORT = """
done = function(summary, latency, requests)
  local pairs = {}
  for i = 1, #latency do
    local value, count = latency(i)
    pairs[#pairs + 1] = string.format("[%d,%d]", value, count)
  end
  local e = summary.errors
  io.write(string.format(
    '\\nWRK-JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"latency_us":[%s]}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(pairs, ",")))
end
"""


def available() -> bool:
    return shutil.which(WRK) is not None


def usable(variant: Variant) -> bool:
    """wrk sends one fixed request again and again: not a body that changes per request."""
    return not callable(variant.request.body)


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for header text


def script(variant: Variant, directory: Path) -> Path:
    """The Lua script for one variant, with its body in a file beside it."""
    r = variant.request
    lines = [f"wrk.method = {_lua_string(r.method)}"]
    for name, value in r.headers.items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    if isinstance(r.body, bytes):
        body = directory / "request.body"
        body.write_bytes(r.body)
        lines.append(f'local f = assert(io.open({_lua_string(str(body))}, "rb"))')
        lines += ["wrk.body = f:read('*a')", "f:close()"]
    path = directory / "request.lua"
    path.write_text("\n".join(lines) + "\n" + REPORT, encoding="utf-8")
    return path


def block(variant: Variant, clients: int, seconds: float, server: Server) -> Result:
    """`clients` connections kept busy for `seconds` (wrk counts whole seconds, at least 1)."""
    with tempfile.TemporaryDirectory(prefix="etjanst-wrk-") as scratch:
        lua = script(variant, Path(scratch))
        command = [
            WRK,
            f"--threads={min(clients, 2)}",
            f"--connections={clients}",
            f"--duration={max(1, round(seconds))}s",
            f"--timeout={REQUEST_TIMEOUT_S:.0f}s",
            f"--script={lua}",
            variant.base_url + variant.request.path,
        ]
        before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_cpu, machine_cpu = server.cpu_seconds(), machine_busy_seconds()
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
        server_cpu, machine_cpu = (
            minus(server.cpu_seconds(), server_cpu),
            minus(machine_busy_seconds(), machine_cpu),
        )
        after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = [ln for ln in done.stdout.splitlines() if ln.startswith("WRK-JSON ")]
    if done.returncode != 0 or not found:
        raise BenchError(f"{variant.name}: wrk failed: {(done.stderr or done.stdout)[-300:]}")
    numbers = json.loads(found[-1].removeprefix("WRK-JSON "))
    result = Result(variant.name)
    for value_us, count in numbers["latency_us"]:
        result.latencies_s += [value_us / 1e6] * count
    # The histogram holds every answer, non-2xx ones too, without saying which: as many samples
    # as there were errors are dropped (the slowest), so that requests = successes + errors.
    failed = min(numbers["status"], len(result.latencies_s))
    if failed:
        result.latencies_s.sort()
        del result.latencies_s[len(result.latencies_s) - failed :]
        result.errors["HTTP non-2xx (wrk)"] += failed
    for kind in ("connect", "read", "write", "timeout"):
        if numbers[kind]:
            result.errors[f"{kind} error (wrk)"] += numbers[kind]
    result.elapsed_s = numbers["duration_us"] / 1e6
    result.client_cpu_s = (after_children.ru_utime + after_children.ru_stime) - (
        before_children.ru_utime + before_children.ru_stime
    )
    result.server_cpu_s, result.machine_cpu_s = server_cpu, machine_cpu
    return result
