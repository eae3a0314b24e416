"""How a contract the gateway itself produces is declared: once, in `contracts/<name>/__init__.py`
(`PRODUCED`), and listed in `contracts/registry.py`, like the upstreams. It says where the
gateway serves it and which suite checks any producer of it (ours, or another system's by URL),
run by `etjanst contracts --suite producer`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Produced:
    name: str  # as `--upstream` names it
    title: str  # for people: the contract
    path: str  # the endpoint on the gateway
    suite: str  # the producer suite's folder under contracts/suites/
