"""The admin API of a mock as OpenAPI 3.1, generated from the pydantic models the API validates
with (the mock's dataset model, Stub and the Fault union), so the document cannot drift from
the code. Served at GET /mocks/<name>/_admin/openapi.json (see admin.py)."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, create_model
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from mocks.kit import rules

if TYPE_CHECKING:
    from mocks.kit.mock import Mock

REF = "#/components/schemas/{model}"
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"

# A date and time without an offset (local time) as the mocks write it, and only what pydantic
# reads: real calendar days (29 February in leap years only), years 0001-9999, microseconds.
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = (
    "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29"
)
_TIME = "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
LOCAL_DATE_TIME = f"^(?:{_YEAR}-{_DAY}|{_LEAP_DAY}){_TIME}$"


class _JsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, except that a datetime that may lack an offset says so
    (`format: date-time` alone requires one, and the mocks keep local times)."""

    def datetime_schema(self, schema: core_schema.DatetimeSchema) -> JsonSchemaValue:
        if schema.get("tz_constraint") == "aware":
            return super().datetime_schema(schema)
        return {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "pattern": LOCAL_DATE_TIME},
            ],
            "description": "RFC 3339 date-time; without an offset it is local (Swedish) time",
        }


# documents the admin API answers with (requests are the models in rules.py and the dataset's)
class Problem(BaseModel):
    """An RFC 9457 problem; `code` is the stable, machine-readable part."""

    type: str = Field(description="urn:etjanst:mocks:problem:<code in lower case>")
    title: str
    status: int
    detail: str
    code: str = Field(description="e.g. INVALID_JSON, INVALID_DOCUMENT, UNKNOWN_OPERATION")


class JournalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str
    path: str
    query: str = Field(description="the query string as sent, identity numbers masked")
    headers: dict[str, str] = Field(description="as received, identity numbers masked")
    body: str = Field(description="raw body, identity numbers masked, long bodies cut")


class JournalResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: int | None = Field(description="null while pending")
    body: str = Field(description="raw body, identity numbers masked, long bodies cut")
    pending: bool = Field(
        description="a hang still holding the answer back: the entry is completed when it ends"
    )


class ShapedBy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["fault", "stub"]
    id: int = Field(description="the rule's id (see GET faults / GET stubs while it lasts)")
    type: str | None = Field(description="the fault's type; null for a stub")


class Exchange(BaseModel):
    """One request to the mock and the answer it got."""

    model_config = ConfigDict(extra="forbid")
    operation: str | None = Field(description="null when the request named no known operation")
    request: JournalRequest
    response: JournalResponse
    shapedBy: ShapedBy | None = Field(
        None, description="the stub or fault that shaped the answer; absent: the mock's own"
    )
    at: AwareDatetime = Field(description="when it was recorded (UTC)")


class Journal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exchanges: list[Exchange] = Field(description="oldest first, newest last")


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    summary: dict[str, int] = Field(description="counts that confirm the upload")


class Removed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    removed: int = Field(description="how many rules were removed")


class AdminIndex(BaseModel):
    """Where everything about the mock is."""

    model_config = ConfigDict(extra="forbid")
    mock: str
    title: str = Field(description="the upstream and the contract it speaks")
    endpoints: dict[str, str] = Field(description="each operation's endpoint URL")
    admin: dict[str, str] = Field(description="the admin API's resources")


class PatientEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="a synthetic identity number (never a real person's)")
    label: str | None = Field(description="what the patient is for")


class Patients(BaseModel):
    model_config = ConfigDict(extra="forbid")
    patients: list[PatientEntry]


def _stored(model: type[BaseModel]) -> type[BaseModel]:
    """A rule as the API hands it back: the document as stored (defaults filled in), its id
    and the uses it has left."""
    return create_model(
        f"Stored{model.__name__}",
        __base__=model,
        __doc__=f"A {model.__name__} as stored: defaults filled in, its id, its uses left.",
        id=(int, Field(description="the rule's id")),
        remaining=(
            int | None,
            Field(None, description="uses left; null: until removed (absent when created)"),
        ),
    )


@dataclass(frozen=True)
class _RuleModels:
    """A mock's stub and fault documents, as sent and as stored (the faults its protocol has)."""

    faults: tuple[type[BaseModel], ...]
    stored_stub: type[BaseModel]
    stored_faults: tuple[type[BaseModel], ...]
    stored_fault: Any  # the discriminated union of stored_faults
    stored_stub_list: type[BaseModel]
    stored_fault_list: type[BaseModel]

    @property
    def names(self) -> set[str]:
        models = (rules.Stub, self.stored_stub, *self.faults, *self.stored_faults)
        return {model.__name__ for model in models}


@functools.cache
def _rule_models(faults: tuple[type[rules.Rule], ...]) -> _RuleModels:
    stored_stub = _stored(rules.Stub)
    stored_faults = tuple(_stored(model) for model in faults)
    stored_fault = Annotated[
        functools.reduce(operator.or_, stored_faults), Field(discriminator="type")
    ]
    return _RuleModels(
        faults=faults,
        stored_stub=stored_stub,
        stored_faults=stored_faults,
        stored_fault=stored_fault,
        stored_stub_list=create_model(
            "StoredStubs", __config__=ConfigDict(extra="forbid"), stubs=list[stored_stub]
        ),
        stored_fault_list=create_model(
            "StoredFaults", __config__=ConfigDict(extra="forbid"), faults=list[stored_fault]
        ),
    )


RULES_TEXT = (
    "The newest rule that applies wins; a stub or fault applies to `operation` (every "
    "operation when absent) and, when `match` is given, only to requests for that `patient` "
    "(12-digit identity number) and/or `logicalAddress` (case-insensitive). `times` limits how "
    "often it is used (until removed when absent). "
)


class _Components:
    """component schemas by name, filled from pydantic's JSON Schema with refs into them"""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def add(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        schema = dict(schema)
        for def_name, definition in schema.pop("$defs", {}).items():
            self._put(def_name, definition)
        self._put(name, schema)
        return {"$ref": REF.format(model=name)}

    def model(self, model: type[BaseModel]) -> dict[str, str]:
        return self.add(
            model.__name__, model.model_json_schema(ref_template=REF, schema_generator=_JsonSchema)
        )

    def union(self, name: str, union: Any) -> dict[str, str]:
        return self.add(
            name, TypeAdapter(union).json_schema(ref_template=REF, schema_generator=_JsonSchema)
        )

    def _put(self, name: str, schema: dict[str, Any]) -> None:
        known = self.schemas.setdefault(name, schema)
        if known != schema:
            raise ValueError(f"two different schemas are both called {name}")


def _only_known_operations(schema: dict[str, Any], operations: list[str]) -> None:
    """`operation` is a name from the mock's own operation table (the API refuses others)."""
    field = schema.get("properties", {}).get("operation")
    if field is None:
        return
    for branch in [field, *field.get("anyOf", [])]:
        if branch.get("type") == "string":
            branch["enum"] = operations


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"required": True, **_json(schema, description)}


def _package_version() -> str:
    try:
        return version("etjanst-gateway")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def admin_openapi(mock: Mock) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `mock`'s admin API (build it once per mock: it is fixed)."""
    prefix = f"/mocks/{mock.name}/_admin"
    operations = mock.operation_names()
    models = _rule_models(mock.fault_types)
    c = _Components()
    problem = {
        "description": "the request is wrong; nothing changed",
        "content": {PROBLEM_JSON: {"schema": c.model(Problem)}},
    }
    dataset = c.model(mock.dataset_model)
    stub, stored_stub = c.model(rules.Stub), c.model(models.stored_stub)
    fault = c.union("Fault", rules.fault_union(mock.fault_types))
    stored_fault = c.union("StoredFault", models.stored_fault)

    def plain(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [name],
            "properties": {name: schema},
        }

    mock_name = {"type": "string", "const": mock.name}
    paths: dict[str, Any] = {
        "/": {
            "get": {
                "operationId": "getIndex",
                "tags": ["state"],
                "summary": "The mock's endpoints and the admin API's resources",
                "responses": {"200": _json(c.model(AdminIndex), "links")},
            }
        },
        "/patients": {
            "get": {
                "operationId": "listPatients",
                "tags": ["dataset"],
                "summary": "The dataset's patients with their labels (without their records)",
                "responses": {"200": _json(c.model(Patients), "the patients")},
            }
        },
        "/reset": {
            "post": {
                "operationId": "reset",
                "tags": ["state"],
                "summary": "Back to the default dataset, no stubs, no faults, empty journal",
                "responses": {"200": _json(plain("reset", mock_name), "the mock is reset")},
            }
        },
        "/dataset": {
            "get": {
                "operationId": "getDataset",
                "tags": ["dataset"],
                "summary": "The dataset the mock answers from",
                "description": "Seeds the default dataset on first use.",
                "responses": {"200": _json(dataset, "the current dataset")},
            },
            "put": {
                "operationId": "putDataset",
                "tags": ["dataset"],
                "summary": "Replace the dataset",
                "description": "Validated as a whole (identity numbers must also have a right "
                "check digit, which this schema cannot say); a refused dataset changes nothing.",
                "requestBody": _body(dataset, "the new dataset"),
                "responses": {"200": _json(c.model(Summary), "stored"), "400": problem},
            },
        },
        "/stubs": {
            "post": {
                "operationId": "addStub",
                "tags": ["stubs"],
                "summary": "Answer an operation with a canned response",
                "description": "The stub's body is served verbatim with its status and "
                "content type (it may be invalid on purpose). " + RULES_TEXT,
                "requestBody": _body(stub, "the stub"),
                "responses": {"201": _json(stored_stub, "added"), "400": problem},
            },
            "get": {
                "operationId": "listStubs",
                "tags": ["stubs"],
                "summary": "The stubs in force, oldest first",
                "responses": {"200": _json(c.model(models.stored_stub_list), "the stubs")},
            },
            "delete": {
                "operationId": "clearStubs",
                "tags": ["stubs"],
                "summary": "Remove every stub",
                "responses": {"200": _json(c.model(Removed), "removed")},
            },
        },
        "/faults": {
            "post": {
                "operationId": "addFault",
                "tags": ["faults"],
                "summary": "Make an operation fail",
                "description": "`type` says how (each type's fields are in its schema): "
                "`latency` (wait `ms`, or a random time up to `maxMs`, then answer as usual), "
                "`hang` (no answer for `ms`, then drop the connection), `http_status` (a bare "
                "HTTP error), `empty` (an empty body), `malformed` (a cut-off body), `reset` "
                "(drop the TCP connection), `truncate` (the real answer cut after `bytes`), "
                "`undeclared` (the real answer with elements the contract does not declare), "
                "`large` (the real answer's records repeated up to `records`), and the "
                "protocol's own: SOAP `soap_fault` (a SOAP fault with a RIV-TA code) and "
                "`result` (a business answer with this result code); REST `error` (an error "
                "document with this status). Faults are checked before stubs; the journal "
                "names the rule that shaped each answer. " + RULES_TEXT,
                "requestBody": _body(fault, "the fault"),
                "responses": {"201": _json(stored_fault, "added"), "400": problem},
            },
            "get": {
                "operationId": "listFaults",
                "tags": ["faults"],
                "summary": "The faults in force, oldest first",
                "responses": {"200": _json(c.model(models.stored_fault_list), "the faults")},
            },
            "delete": {
                "operationId": "clearFaults",
                "tags": ["faults"],
                "summary": "Remove every fault",
                "responses": {"200": _json(c.model(Removed), "removed")},
            },
        },
        "/journal": {
            "get": {
                "operationId": "getJournal",
                "tags": ["journal"],
                "summary": "The most recent exchanges, newest last",
                "description": "Bounded: the mock keeps about the last "
                f"{mock.config.journal_size} exchanges and cuts long bodies. Raw bodies and "
                "headers are included, with identity numbers masked.",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "description": "at most this many (the newest)",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                ],
                "responses": {"200": _json(c.model(Journal), "the exchanges"), "400": problem},
            },
            "delete": {
                "operationId": "clearJournal",
                "tags": ["journal"],
                "summary": "Empty the journal",
                "responses": {"200": _json(plain("cleared", mock_name), "emptied")},
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenapi",
                "tags": ["state"],
                "summary": "This document",
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
            }
        },
    }
    for route in mock.admin_routes():
        answer = {"200" if route.method == "GET" else "201": _json(c.model(route.response), "done")}
        item: dict[str, Any] = {
            "operationId": f"{route.method.lower()}_{route.path}",
            "tags": ["mock"],
            "summary": route.summary,
            "responses": answer,
        }
        if route.body is not None:
            item["requestBody"] = _body(c.model(route.body), route.body.__doc__ or "")
            item["responses"]["400"] = problem
        paths.setdefault(f"/{route.path}", {})[route.method.lower()] = item
    for name in models.names:  # last: every component is in, unchanged, before this
        _only_known_operations(c.schemas[name], operations)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{mock.name} mock admin API",
            "version": _package_version(),
            "description": f"Set up and inspect the offline {mock.name} mock: its dataset, "
            "stubs (canned responses), faults and the journal of recent exchanges. Every "
            "schema here is generated from the models the API validates with. Errors are "
            "application/problem+json.",
        },
        "servers": [{"url": "/"}],
        "paths": {prefix + path: item for path, item in paths.items()},
        "components": {"schemas": dict(sorted(c.schemas.items()))},
    }
