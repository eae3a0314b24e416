"""The gateway's tables (SQLAlchemy Core). The migrations in `migrations/versions` create them;
this module is how the code names them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

CENTRAL = ""  # the `unit` of a central case type

case_types = Table(
    "case_types",
    metadata,
    Column("unit", String(64), primary_key=True),  # CENTRAL, or the local type's unit
    Column("id", String(64), primary_key=True),
    Column("document", JSON, nullable=False),  # the CaseType, by its API field names
)

offerings = Table(
    "offerings",
    metadata,
    Column("unit", String(64), primary_key=True),
    Column("type_id", String(64), primary_key=True),
    Column("state", String(16), nullable=False),  # no row: active
)

standard_replies = Table(
    "standard_replies",
    metadata,
    Column("unit", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("unit", String(64), nullable=False, index=True),
    Column("type", String(64), nullable=False),
    Column("patient", String(12), nullable=False, index=True),
    Column("sender", String(12), nullable=False),  # the guardian, when sent as proxy
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answers", JSON, nullable=False),
)

case_replies = Table(
    "case_replies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(36), ForeignKey("cases.id"), nullable=False, index=True),
    Column("author", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("standard_reply", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of scope and key: no identity in it
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer),  # null while the first request is still being answered
    Column("body", Text),
    Column("headers", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Every time staff see a patient's full identity number (Patientdatalagen: each access logged)
patient_access_log = Table(
    "patient_access_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("staff", String(64), nullable=False),  # the staff member's HSA-id
    Column("unit", String(64), nullable=False),
    Column("case_id", String(36), ForeignKey("cases.id"), nullable=False, index=True),
    Column("patient", String(12), nullable=False, index=True),
)

# The certificates each unit issues: request-certificate's choices there, in this order
unit_certificates = Table(
    "unit_certificates",
    metadata,
    Column("unit", String(64), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
)

# The /_debug journal: the latest gateway requests (debug.max_entries) with their upstream
# exchanges, identity numbers masked and bodies cut before they are written.
debug_requests = Table(
    "debug_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("correlation_id", String(128), nullable=False, index=True),
    Column("method", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("elapsed_ms", Float, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answer_type", String(200), nullable=False),
    Column("answer", Text, nullable=False),
)

debug_exchanges = Table(
    "debug_exchanges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "request_id",
        Integer,
        ForeignKey("debug_requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("upstream", String(64), nullable=False),
    Column("operation", String(128)),
    Column("method", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("request_headers", JSON, nullable=False),
    Column("request_body", Text, nullable=False),
    Column("status", Integer),  # null: no answer (see outcome)
    Column("response_headers", JSON),
    Column("response_body", Text),
    Column("elapsed_ms", Float, nullable=False),
    Column("outcome", String(64), nullable=False),  # ok, HTTP 500, UPSTREAM_TIMEOUT, ...
    Column("error", Text),
)
