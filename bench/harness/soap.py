"""The SOAP requests a scenario sends straight to a mock: built by zeep from the contract's own
WSDL, with the headers and arguments the gateway's client uses, so the direct call carries what
the gateway would send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree
from zeep import Client
from zeep import Settings as ZeepSettings

UNUSED_ADDRESS = "http://unused.invalid/"


def zeep_envelope(
    wsdl: Path,
    operation: str,
    headers: dict[str, Any],
    binding: str | None = None,
    **arguments: Any,
) -> bytes:
    """The serialised envelope of `operation`; `binding` where the WSDL has more than one (the
    address a service would need plays no part in the message)."""
    client = Client(str(wsdl), settings=ZeepSettings(strict=False, forbid_external=True))
    service = (
        client.create_service(binding, "http://unused.invalid/") if binding else client.service
    )
    message = client.create_message(service, operation, _soapheaders=headers, **arguments)
    return etree.tostring(message, xml_declaration=True, encoding="utf-8")
