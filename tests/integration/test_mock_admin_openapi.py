"""The Cosmic mock's admin API describes itself: an OpenAPI 3.1 document generated from the
models it validates with, served over HTTP, naming every admin route, and schemathesis finds
nothing wrong when it runs every check against the live server."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from mocks.app import create_mocks_app
from mocks.cosmic.models import CosmicDataset
from mocks.kit import rules
from mocks.kit.config import MockConfig
from tests.conftest import ADMIN

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
DOCUMENT = f"{ADMIN}/openapi.json"


def admin_routes(tmp_path: Path) -> set[tuple[str, str]]:
    """(method, path) of every Flask admin route of the Cosmic mock."""
    app = create_mocks_app(MockConfig(state_path=tmp_path / "mocks.sqlite3"))
    return {
        (method.lower(), rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{ADMIN}/")
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }


def test_document_is_served_and_names_every_admin_route(
    base_url: str, http: requests.Session, tmp_path: Path
) -> None:
    response = http.get(f"{base_url}{DOCUMENT}", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "cosmic mock admin API"
    assert document["servers"] == [{"url": "/"}]
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    routes = admin_routes(tmp_path)
    assert len(routes) >= 12
    assert routes == documented
    schemas = document["components"]["schemas"]
    assert {"CosmicDataset", "Stub", "Fault", "Match", "Problem", "Journal"} <= set(schemas)
    assert set(schemas["Fault"]["discriminator"]["mapping"]) == {
        "latency",
        "hang",
        "http_status",
        "empty",
        "malformed",
        "reset",
        "truncate",
        "undeclared",
        "large",
        "soap_fault",
        "result",
    }
    # generated from the models the API validates with
    assert set(schemas["Stub"]["properties"]) == set(rules.Stub.model_fields)
    assert set(schemas["CosmicDataset"]["properties"]) == set(CosmicDataset.model_fields)


# An identity number's check digit is more than JSON Schema can say, so a dataset the schema
# allows may still be refused (400, as the operation's description says).
CONFIG = """
[[operations]]
include-operation-id = "putDataset"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400"]
"""


def test_schemathesis_finds_nothing(base_url: str, http: requests.Session, tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text(CONFIG, encoding="utf-8")  # found in the cwd
    started = time.monotonic()
    try:
        result = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                f"{base_url}{DOCUMENT}",
                "--checks",
                "all",
                "--max-examples",
                "30",
                "--seed",
                "1",
                "--request-timeout",
                "10",
                "--generation-database",
                "none",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )
    finally:  # it PUTs datasets and adds stubs and faults: leave the mock as other tests expect
        http.post(f"{base_url}{ADMIN}/reset", timeout=10).raise_for_status()
    print(f"schemathesis took {time.monotonic() - started:.1f}s")
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
