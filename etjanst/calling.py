"""`etjanst call`: one upstream call made with the gateway's own client, shown as it went over
the wire (every exchange it took, pretty-printed, identity numbers masked unless asked), with
its timing and the client's normalised result as JSON. Which function makes the call is the
interaction's `call` in the upstream's declaration, so a new upstream gets this for free."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

from prometheus_client import CollectorRegistry

from contracts.privacy import mask_text
from contracts.registry import BY_NAME
from contracts.upstream import Interaction, Upstream, resolve
from gateway.context import correlation_id
from gateway.debug.wire import pretty, shown_headers, shown_text
from gateway.domain.identity import Identity, InvalidIdentityNumber, parse_identity
from gateway.errors import UpstreamError
from gateway.settings import Settings
from gateway.upstreams.calls import CallImpossible, CallInput
from gateway.upstreams.http import Exchange, UpstreamContext, UpstreamMetrics
from mocks.people import people


class CallRefused(Exception):
    """The call cannot be made as asked: a one-line message (exit status 2)."""


@dataclass(frozen=True)
class Chosen:
    upstream: Upstream
    interaction: Interaction
    call: Callable[[Any, CallInput], Any]


def choose(upstream: str, operation: str) -> Chosen:
    found = BY_NAME.get(upstream)
    if found is None:
        raise CallRefused(f"no upstream {upstream!r}: one of {', '.join(sorted(BY_NAME))}")
    by_operation = {i.operation: i for i in found.interactions}
    callable_ones = ", ".join(i.operation for i in found.interactions if i.call)
    if operation not in by_operation:
        raise CallRefused(f"{upstream} has no operation {operation!r}: callable: {callable_ones}")
    interaction = by_operation[operation]
    if interaction.call is None:
        raise CallRefused(
            f"the gateway has no client method for {upstream} {operation}: "
            f"callable: {callable_ones}"
        )
    return Chosen(found, interaction, resolve(interaction.call))


def patient(given: str, today: date) -> Identity:
    """A label of the mock population (mocks/people.py) or a 12-digit identity number."""
    population = people(today)
    if given in population:
        return parse_identity(population[given].number)
    try:
        return parse_identity(given)
    except InvalidIdentityNumber as exc:
        raise CallRefused(
            f"--patient: no one labelled {mask_text(given)!r} in the mock population, and not "
            f"a valid personnummer or samordningsnummer ({exc})"
        ) from exc


def perform(
    chosen: Chosen, settings: Settings, given: CallInput, out: TextIO, show_identities: bool
) -> int:
    """Make the call and print it. 0: answered; 1: the upstream failed (as shown)."""
    name = chosen.upstream.name
    context = UpstreamContext(settings.consumer_hsa_id, UpstreamMetrics(CollectorRegistry()))
    client = resolve(chosen.upstream.client)(settings.upstream(name), context)
    client.http.observers.append(lambda exchange: _print(exchange, out, show_identities))
    token = correlation_id.set(f"etjanst-call-{uuid.uuid4()}")
    started = time.perf_counter()
    try:
        result: Any = chosen.call(client, given)
        status = 0
    except UpstreamError as exc:
        result, status = {"error": exc.code, "detail": exc.detail}, 1
    except CallImpossible as exc:
        raise CallRefused(str(exc)) from exc
    finally:
        correlation_id.reset(token)
        client.http.close()
    elapsed = (time.perf_counter() - started) * 1000
    text = json.dumps(result, indent=2, ensure_ascii=False, default=_plain)
    shown = text if show_identities else mask_text(text)
    operation = chosen.interaction.operation
    print(f"== {name} {operation}: {elapsed:.1f} ms in all; the gateway's result:", file=out)
    print(shown, file=out)
    return status


def _print(exchange: Exchange, out: TextIO, show_identities: bool) -> None:
    masked = not show_identities
    sent, received = exchange.sent, exchange.received
    url = sent.url if show_identities else mask_text(sent.url)
    print(
        f"== {exchange.upstream} {exchange.operation or ''} request: {sent.method} {url}", file=out
    )
    _headers(shown_headers(sent.headers, masked), out)
    print(
        pretty(shown_text(sent.body, masked=masked), sent.headers.get("Content-Type", "")), file=out
    )
    took = f"{exchange.elapsed_s * 1000:.1f} ms"
    if received is None:
        error = exchange.error
        detail = f"{error.code} {mask_text(error.detail)}" if error else "no answer"
        print(f"== no answer after {took}: {detail}", file=out)
        return
    print(f"== response: HTTP {received.status_code} in {took}", file=out)
    _headers(shown_headers(received.headers, masked), out)
    body = shown_text(received.content, masked=masked)
    print(pretty(body, received.headers.get("Content-Type", "")), file=out)


def _headers(headers: dict[str, str], out: TextIO) -> None:
    for header, value in headers.items():
        print(f"{header}: {value}", file=out)
    print(file=out)


def _plain(value: Any) -> Any:
    """JSON for the clients' results: dataclasses, dates, amounts, enums, sets, and values read
    on demand (a callable without arguments, such as MedicationRecord.read_drug): what they
    read."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if callable(value):
        return value()
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} is not JSON")
