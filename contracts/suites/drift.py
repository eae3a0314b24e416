"""Drift, the same way in every suite: what the gateway's client found in an answer that our
contract does not describe lands in the JUnit XML (property `drift`) and as a warning in the
summary. It is reported, never failed. The contract report (`--report`, contracts/report/) goes
further for every suite without its help: each answer on the wire held against the upstream's
XSD or OpenAPI document, drift listed with its path and a masked example."""

from __future__ import annotations

import warnings
from collections.abc import Callable

from contracts.privacy import mask_text


class ContractDrift(UserWarning):
    """The producer's answer holds something our contract does not describe."""


def report_drift(record_property: Callable[[str, object], None], found: list[str]) -> None:
    drift = [mask_text(item) for item in found]
    record_property("drift", "; ".join(drift) if drift else "none")
    if drift:
        warnings.warn(
            ContractDrift(f"{len(drift)} difference(s) from our contract: " + "; ".join(drift)),
            stacklevel=2,
        )
