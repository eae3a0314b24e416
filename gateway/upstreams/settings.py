"""`upstreams.<name>` in the settings: the same scheme for every upstream. Kept apart from the
HTTP machinery so that reading settings imports no metrics library (prometheus-client picks its
multi-process mode when it is first imported)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class UpstreamSettings(BaseModel):
    """`upstreams.<name>`: the same scheme for every upstream."""

    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(
        None,
        description="Base URL: each interaction's path is derived under it (a full interaction "
        "endpoint also works). None means the built-in mock",
    )
    endpoints: dict[str, str] = Field(
        {}, description="Full URL per operation, where one differs from the derived path"
    )
    connect_timeout_s: float = Field(2.0, gt=0)
    read_timeout_s: float = Field(10.0, gt=0, description="Longest wait for any one read")
    deadline_s: float = Field(
        30.0, gt=0, description="Longest a whole call may take, however the answer trickles in"
    )
    max_response_bytes: int = Field(
        32 * 1024 * 1024, gt=0, description="Larger answers are refused (502), never read whole"
    )
    logical_address: str | None = Field(
        None, description="RIV-TA LogicalAddress: the producing system (SOAP upstreams)"
    )
    proxy: str | None = Field(None, description="HTTP(S) proxy URL; *_proxy variables are ignored")
    ca_file: Path | None = Field(None, description="CA bundle to trust (PEM); default: system")
    client_cert_file: Path | None = Field(None, description="client certificate for mutual TLS")
    client_key_file: Path | None = Field(None, description="its private key, unless in the cert")
