"""Every upstream, declared once. Adding an upstream: its own folders (contracts/<name>/,
mocks/<name>/, gateway/upstreams/<name>.py, contracts/suites/<name>/) and one name below."""

from __future__ import annotations

from importlib import import_module

from contracts.produced import Produced
from contracts.upstream import Upstream

UPSTREAMS: tuple[Upstream, ...] = tuple(
    import_module(f"contracts.{name}").UPSTREAM
    for name in ("cosmic", "ehm.nll", "ehm.hkdb", "frikort", "listing", "population")
)
BY_NAME: dict[str, Upstream] = {upstream.name: upstream for upstream in UPSTREAMS}

# The contracts the gateway produces itself (contracts/produced.py)
PRODUCED: tuple[Produced, ...] = tuple(
    import_module(f"contracts.{name}").PRODUCED for name in ("eoffering",)
)
PRODUCED_BY_NAME: dict[str, Produced] = {produced.name: produced for produced in PRODUCED}
