"""The HTTP face of a SOAP mock: WSDL at ?wsdl, its XSDs beside it, and the SOAP endpoint."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory

from mocks.kit.service import SoapMock


def soap_blueprint(mock: SoapMock) -> Blueprint:
    soap = Blueprint(f"{mock.name}_soap", __name__, url_prefix=f"/mocks/{mock.name}")
    schema_dir = mock.endpoint.rsplit("/", 1)[0]

    @soap.get(f"/{mock.endpoint}")
    def wsdl() -> Response:
        return mock.wsdl_response()

    @soap.post(f"/{mock.endpoint}")
    def call() -> Response:
        return mock.handle()

    @soap.get(f"/{schema_dir}/<name>.xsd")
    def xsd(name: str) -> Response:
        return send_from_directory(mock.wsdl.parent, f"{name}.xsd", mimetype="text/xml")

    return soap
