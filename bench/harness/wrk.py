"""The load generator of choice: `wrk` (Debian package `wrk`), a C program that takes far less
CPU per request than the Python generator, so it steals less of what it measures. A Lua script
gives it the request, or a sequence of them (method, headers, and the body read from a file, as
SOAP needs) and prints its numbers as one JSON line at the end: counts, errors, and the latency
histogram."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .load import Request, Result, Variant
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
    """wrk sends fixed requests again and again: not a body that changes per request."""
    return not any(callable(step.body) for step in variant.steps)


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for header text


def _body_file(step: Request, directory: Path, name: str) -> str | None:
    """The body written to a file for the script to read (SOAP envelopes are large): the file's
    name as a Lua string, or None without a body."""
    if not isinstance(step.body, bytes):
        return None
    body = directory / name
    body.write_bytes(step.body)
    return _lua_string(str(body))


# A sequence: wrk calls request() for each request; each connection has a wrk thread and so a Lua
# state of its own, and request() takes the next of the sequence, in order, after each answer.
# Before starting, wrk calls request() once in its first thread to check what it returns: that
# call takes the last request, so that this thread's connection too starts with the first.
SEQUENCE = """
local function read(path)
  local f = assert(io.open(path, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("checked_by_wrk", threads == 1)
end

local steps, step = {}, 0
init = function(args)
%s
  if checked_by_wrk then step = #steps - 1 end
end

request = function()
  step = step %% #steps + 1
  return steps[step]
end
"""


def script(variant: Variant, directory: Path) -> Path:
    """The Lua script for one variant, with each body in a file beside it."""
    if variant.sequence:
        return _sequence_script(variant, directory)
    (r,) = variant.steps
    lines = [f"wrk.method = {_lua_string(r.method)}"]
    for name, value in r.headers.items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    body = _body_file(r, directory, "request.body")
    if body is not None:
        lines.append(f'local f = assert(io.open({body}, "rb"))')
        lines += ["wrk.body = f:read('*a')", "f:close()"]
    path = directory / "request.lua"
    path.write_text("\n".join(lines) + "\n" + REPORT, encoding="utf-8")
    return path


def _sequence_script(variant: Variant, directory: Path) -> Path:
    built = []
    for number, step in enumerate(variant.steps, start=1):
        headers = ", ".join(
            f"[{_lua_string(name)}] = {_lua_string(value)}" for name, value in step.headers.items()
        )
        body = _body_file(step, directory, f"request-{number}.body")
        arguments = [_lua_string(step.method), _lua_string(step.path), f"{{{headers}}}"]
        arguments.append("nil" if body is None else f"read({body})")
        built.append(f"  steps[{number}] = wrk.format({', '.join(arguments)})")
    path = directory / "sequence.lua"
    path.write_text(SEQUENCE % "\n".join(built) + REPORT, encoding="utf-8")
    return path


def tally(variant: Variant, numbers: dict[str, Any]) -> Result:
    """wrk's counts as a Result in which a sequence is one request. wrk counts answers and
    failures of single requests: the sequences are the requests sent divided by the sequence's
    length (rounded down), and each failed request counts as one failed sequence (wrk cannot say
    which sequence it was in, so this errs on the side of more errors). Its latencies are of
    single requests: for a sequence, of each of its requests."""
    steps = len(variant.steps)
    result = Result(variant.name, steps, latency_per_step=steps > 1)
    for value_us, count in numbers["latency_us"]:
        result.latencies_s += [value_us / 1e6] * count
    answered = len(result.latencies_s)
    # The histogram holds every answer, non-2xx ones too, without saying which: as many samples
    # as there were errors are dropped (the slowest), so that requests = successes + errors.
    refused = min(numbers["status"], answered)
    if refused:
        result.latencies_s.sort()
        del result.latencies_s[answered - refused :]
        result.errors["HTTP non-2xx (wrk)"] += refused
    unanswered = 0
    for kind in ("connect", "read", "write", "timeout"):
        if numbers[kind]:
            result.errors[f"{kind} error (wrk)"] += numbers[kind]
            unanswered += numbers[kind]
    sequences = (answered + unanswered) // steps
    result.ok = max(0, sequences - refused - unanswered)
    result.elapsed_s = numbers["duration_us"] / 1e6
    return result


def block(variant: Variant, clients: int, seconds: float, server: Server) -> Result:
    """`clients` connections kept busy for `seconds` (wrk counts whole seconds, at least 1)."""
    with tempfile.TemporaryDirectory(prefix="etjanst-wrk-") as scratch:
        lua = script(variant, Path(scratch))
        command = [
            WRK,
            # a sequence: one thread per connection (see SEQUENCE)
            f"--threads={clients if variant.sequence else min(clients, 2)}",
            f"--connections={clients}",
            f"--duration={max(1, round(seconds))}s",
            f"--timeout={REQUEST_TIMEOUT_S:.0f}s",
            f"--script={lua}",
            variant.base_url + variant.steps[0].path,
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
    result = tally(variant, json.loads(found[-1].removeprefix("WRK-JSON ")))
    result.client_cpu_s = (after_children.ru_utime + after_children.ru_stime) - (
        before_children.ru_utime + before_children.ru_stime
    )
    result.server_cpu_s, result.machine_cpu_s = server_cpu, machine_cpu
    return result
