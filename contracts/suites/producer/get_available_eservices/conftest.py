"""The producer under test (the gateway started by the runner, or any producer by
`--producer-url`), the facilities to ask about (the unit registry of the target's settings) and
a way to send it raw SOAP, so that requests the contract refuses can be sent too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests
from lxml import etree

from contracts.eoffering import PRODUCED, RESPONDER_XSD, SOAP_ACTION
from contracts.riv import SAFE_PARSER, XML_CONTENT_TYPE
from contracts.suites.target import Target

Ask = Callable[..., requests.Response]


@pytest.fixture(scope="session")
def endpoint(target: Target) -> str:
    found = target.produced.get(PRODUCED.name)
    if found is None:
        pytest.skip(f"this run does not target a {PRODUCED.name} producer")
    return found


@pytest.fixture(scope="session")
def facilities(target: Target) -> list[str]:
    if not target.services:
        pytest.fail("the settings' unit registry names no unit to ask about", pytrace=False)
    return sorted(target.services)


@pytest.fixture(scope="session")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(RESPONDER_XSD), SAFE_PARSER))


@pytest.fixture(scope="session")
def ask(endpoint: str, target: Target) -> Iterator[Ask]:
    """POST a SOAP body to the producer as a RIV-TA consumer does."""
    with requests.Session() as session:

        def post(body: bytes, soap_action: str = SOAP_ACTION) -> requests.Response:
            headers = {
                "Content-Type": XML_CONTENT_TYPE,
                "SOAPAction": f'"{soap_action}"',
                "x-rivta-original-serviceconsumer-hsaid": target.consumer_hsa_id,
            }
            return session.post(endpoint, data=body, headers=headers, timeout=60)

        yield post
