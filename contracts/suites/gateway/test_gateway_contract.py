"""The gateway's own side of the contracts, checked as installed: its OpenAPI document whole
and true to its examples, and served as it is; the RIV-TA producer it is (eservicesupply:
eoffering) serving its WSDL and schemas, which compile from what is served, and answering
within them. None of this needs an upstream, so it runs the same whatever the target."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import jsonschema_rs
from flask.testing import FlaskClient
from lxml import etree

from contracts.eoffering import ENDPOINT, RESPONDER_NS, SOAP_ACTION
from contracts.gateway import examples, openapi_document
from contracts.riv import REGISTRY_NS, SAFE_PARSER, SOAP_ENV, XML_CONTENT_TYPE, read_envelope
from contracts.suites.target import Target

XS = "{http://www.w3.org/2001/XMLSchema}"
WSDL_NS = "{http://schemas.xmlsoap.org/wsdl/}"
BASE = "http://localhost"


def test_every_reference_in_the_openapi_document_resolves() -> None:
    document = openapi_document()  # merging the fragments: a name defined twice raises
    broken = [ref for ref in _references(document) if _resolve(document, ref) is None]
    assert not broken, f"references to nothing: {broken}"


def test_every_openapi_example_is_true_to_its_schema() -> None:
    document = openapi_document()
    untrue = []
    for where, schema, example in examples(document):
        validator = jsonschema_rs.Draft202012Validator(
            {**schema, "components": document["components"]}
        )
        untrue += [f"{where}: {e.message}" for e in validator.iter_errors(example)]
    assert not untrue, "\n".join(untrue[:20])


def test_the_gateway_serves_its_openapi_document(gateway: FlaskClient) -> None:
    response = gateway.get("/openapi.json")
    assert response.status_code == 200
    assert response.json == json.loads(json.dumps(openapi_document()))


def test_the_eoffering_wsdl_and_its_schemas_are_served_and_compile(gateway: FlaskClient) -> None:
    served = _served_schemas(gateway)
    assert served, "the WSDL imports no schema"
    responder = next(url for url, text in served.items() if RESPONDER_NS.encode() in text)
    _compile(served, responder)  # raises when an import is missing or a schema is broken


def test_the_eoffering_producer_answers_within_its_schema(
    gateway: FlaskClient, target: Target
) -> None:
    unit = next(iter(target.services), "SE2321000057-5VTN")
    body = (
        f'<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:eo="{RESPONDER_NS}">'
        f'<s:Header><LogicalAddress xmlns="{REGISTRY_NS}">{unit}</LogicalAddress></s:Header>'
        f"<s:Body><eo:GetAvailableEServices><eo:healthcare_facility>{unit}"
        f"</eo:healthcare_facility></eo:GetAvailableEServices></s:Body></s:Envelope>"
    )
    response = gateway.post(
        ENDPOINT,
        data=body.encode(),
        headers={"SOAPAction": f'"{SOAP_ACTION}"', "Content-Type": XML_CONTENT_TYPE},
    )
    assert response.status_code == 200, response.text[:500]
    schema = _compile(_served_schemas(gateway), _responder_url(gateway))
    payload = read_envelope(response.data).payload
    assert schema.validate(payload), [e.message for e in schema.error_log][:10]


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        return None
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(target, dict) or part not in target:
            return None
        target = target[part]
    return target


def _served_schemas(gateway: FlaskClient) -> dict[str, bytes]:
    """Every schema the WSDL imports, and those they import, as the gateway serves them."""
    wsdl_url = f"{BASE}{ENDPOINT}?wsdl"
    response = gateway.get(wsdl_url)
    assert response.status_code == 200, f"?wsdl: HTTP {response.status_code}"
    wsdl = etree.fromstring(response.data, SAFE_PARSER)
    assert wsdl.tag == f"{WSDL_NS}definitions", wsdl.tag
    served: dict[str, bytes] = {}
    pending = [urljoin(wsdl_url, i.get("schemaLocation")) for i in wsdl.iter(f"{XS}import")]
    while pending:
        url = pending.pop()
        if url in served:
            continue
        answer = gateway.get(url)
        assert answer.status_code == 200, f"{url}: HTTP {answer.status_code}"
        served[url] = answer.data
        schema = etree.fromstring(answer.data, SAFE_PARSER)
        references = schema.iter(f"{XS}import", f"{XS}include")
        pending += [urljoin(url, r.get("schemaLocation")) for r in references]
    return served


def _responder_url(gateway: FlaskClient) -> str:
    served = _served_schemas(gateway)
    return next(url for url, text in served.items() if b"GetAvailableEServicesResponse" in text)


class _Served(etree.Resolver):
    def __init__(self, served: dict[str, bytes]) -> None:
        super().__init__()
        self.served = served

    def resolve(self, url: str, pubid: str, context: object) -> Any:
        if url in self.served:
            return self.resolve_string(self.served[url], context, base_url=url)
        raise AssertionError(f"{url}: imported, but not served")


def _compile(served: dict[str, bytes], url: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_Served(served))
    return etree.XMLSchema(etree.fromstring(served[url], parser, base_url=url))
