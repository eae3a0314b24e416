"""Posting a web-booking (Cosmic scheduling) request straight to the mock, built by zeep from
our WSDL, as a consumer that does not use the gateway would."""

from __future__ import annotations

import requests
import zeep
from lxml import etree

from contracts.cosmic.scheduling import BY_OPERATION


def post_scheduling(
    http: requests.Session,
    base_url: str,
    operation: str,
    headers: dict[str, object],
    **arguments: object,
) -> requests.Response:
    interaction = BY_OPERATION[operation]
    client = zeep.Client(str(interaction.wsdl))
    message = client.create_message(client.service, operation, _soapheaders=headers, **arguments)
    return http.post(
        f"{base_url}/mocks/cosmic/{operation}/1/rivtabp21",
        data=etree.tostring(message),
        headers={"SOAPAction": f'"{interaction.soap_action}"', "Content-Type": "text/xml"},
        timeout=10,
    )
