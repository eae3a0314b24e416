"""Typed settings: a TOML file plus ETJANST_* environment overrides (`__` between levels).

Precedence, highest first: keyword arguments (tests), environment, the TOML file, defaults.
With no configuration at all the upstreams are the built-in mocks of the same server.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from contracts.clock import STOCKHOLM, now_in_stockholm, today_in_stockholm
from contracts.registry import UPSTREAMS
from contracts.upstream import Upstream, resolve
from gateway.domain.units import EService, Unit, link_groups, normalise_unit_id
from gateway.domain.web_booking import WebBooking
from gateway.upstreams.settings import UpstreamSettings

DEVELOPMENT_SECRET = "etjanst-development-secret-not-for-production"


class Section(BaseModel):
    """A settings table: unknown keys are typos, and typos are errors."""

    model_config = ConfigDict(extra="forbid")


def _upstream_settings(upstream: Upstream) -> tuple[Any, Any]:
    """`upstreams.<name>`: the common scheme (plus the upstream's own keys, when its declaration
    names a settings model), with the upstream's own default LogicalAddress."""
    base = resolve(upstream.settings) if upstream.settings else UpstreamSettings
    model = create_model(
        f"{upstream.name.title()}Settings",
        __base__=base,
        __doc__=upstream.title,
        logical_address=(str | None, upstream.logical_address),
    )
    return model, Field(default_factory=model, description=upstream.title)


Upstreams = create_model(
    "Upstreams",
    __base__=Section,
    **{upstream.name: _upstream_settings(upstream) for upstream in UPSTREAMS},
)


class WebBookingSettings(Section):
    """What the unit offers on the web for appointments (web booking in Cosmic)."""

    view: bool = True
    cancel: bool = False
    rebook: bool = False
    book: bool = False
    late_cancellation_hours: int = Field(
        24, ge=0, le=720, description="Cancelling later than this may be charged"
    )


class UnitSettings(Section):
    name: str
    services: list[EService] = []
    linked: list[str] = Field([], description="Units whose ordinations show together with these")
    web_booking: WebBookingSettings | None = Field(
        None, description="Web booking; setting it adds web-booking to the unit's services"
    )

    @model_validator(mode="after")
    def _web_booking_described(self) -> UnitSettings:
        if EService.WEB_BOOKING in self.services and self.web_booking is None:
            raise ValueError("a unit with web-booking in its services needs a web_booking table")
        return self


class AuthSettings(Section):
    hs256_secret: str | None = DEVELOPMENT_SECRET
    public_key_file: Path | None = Field(None, description="PEM key for RS256/ES256 tokens")
    algorithms: list[str] = Field(["HS256"], min_length=1)
    audience: str | None = Field(None, description="Required `aud` claim; required in production")
    issuer: str | None = Field(None, description="Required `iss` claim; required in production")
    leeway_s: int = Field(
        30, ge=0, le=300, description="Seconds a token is still accepted after its exp (clock skew)"
    )
    guardianship: Literal["register", "token"] = Field(
        "register",
        description="register: a proxy (act_for) must be the child's guardian in the population "
        "register; token: the identity provider has verified the relation, act_for is trusted",
    )
    guardianship_cache_s: int = Field(
        300, ge=0, le=3600, description="Seconds a register answer is reused (0: never)"
    )
    max_lifetime_s: int = Field(
        86400, gt=0, le=7 * 86400, description="Tokens valid for longer than this are refused"
    )

    @model_validator(mode="after")
    def _one_key_family(self) -> AuthSettings:
        """One kind of key for every algorithm: a public key offered to an HS algorithm is the
        classic key-confusion hole (the public key becomes a shared secret anyone can sign with)."""
        families = {algorithm[:2].upper() for algorithm in self.algorithms}
        unknown = families - {"HS", "RS", "ES", "PS"}
        if unknown:
            raise ValueError(f"auth.algorithms: unsupported {sorted(self.algorithms)}")
        if len(families) > 1 or (families == {"HS"}) == (self.public_key_file is not None):
            raise ValueError(
                "auth.algorithms: either HS256 with auth.hs256_secret, or asymmetric algorithms "
                "(RS256, ES256...) with auth.public_key_file, never both"
            )
        if families == {"HS"} and not self.hs256_secret:
            raise ValueError("auth.hs256_secret is needed for HS algorithms")
        return self

    def production_problems(self) -> list[str]:
        """What makes these settings unsafe outside development, each saying how to fix it."""
        problems = []
        if self.public_key_file is None and self.hs256_secret == DEVELOPMENT_SECRET:
            problems.append(
                "auth uses the built-in development secret: set auth.public_key_file (PEM) with "
                'algorithms = ["RS256"], or a secret of your own in ETJANST_AUTH__HS256_SECRET'
            )
        for claim in ("audience", "issuer"):
            if not getattr(self, claim):
                problems.append(
                    f"auth.{claim} is not set: set it to the identity provider's "
                    f"(ETJANST_AUTH__{claim.upper()})"
                )
        return problems


class OutpatientFeeSettings(Section):
    """Outpatient care fees in the region (high-cost protection, the free card)."""

    region: str = Field("Region Jönköpings län", description="Printed on the free card")
    exempt_under_age: int = Field(20, ge=0, le=150, description="No fees before this birthday")
    exempt_from_age: int = Field(85, ge=0, le=150, description="No fees from this birthday on")


def _default_database() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "etjanst" / "gateway.sqlite3"


class StoreSettings(Section):
    """The gateway's database: cases, the e-service catalogue, idempotency keys."""

    url: str | None = Field(
        None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://etjanst@db/etjanst (several "
        "gateway instances share it); unset: the SQLite file",
    )
    sqlite_path: Path = Field(default_factory=_default_database)

    def database_url(self) -> str:
        return self.url or f"sqlite+pysqlite:///{self.sqlite_path}"


class BookingSettings(Section):
    slot_secret: str | None = Field(
        None, description="Signs the slot ids the gateway issues; default: auth.hs256_secret"
    )


class MockSettings(Section):
    journal_size: int = Field(1000, gt=0)
    state_dir: Path | None = Field(None, description="Shared mock state; a temp dir when unset")
    options: dict[str, dict[str, Any]] = Field(
        {}, description="Each mock's own settings by mock name, e.g. options.listing"
    )

    @field_validator("options")
    @classmethod
    def _known_mocks(cls, options: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        unknown = sorted(set(options) - {upstream.name for upstream in UPSTREAMS})
        if unknown:
            raise ValueError(f"no mock named {', '.join(unknown)}")
        return options

    admin_token: str | None = Field(
        None,
        min_length=16,
        description="Bearer token the admin API requires; needed when serving beyond loopback",
    )
    max_request_bytes: int = Field(
        16 * 1024 * 1024, gt=0, description="Larger requests (SOAP, REST, admin) are refused"
    )


class DebugSettings(Section):
    """The /_debug page for integration staff and the exchange journal behind it."""

    enabled: bool = Field(False, description="Serve /_debug and keep the journal; off: 404")
    token: str | None = Field(
        None,
        min_length=16,
        description="The page's own credential: Bearer token, or the password of HTTP Basic",
    )
    max_entries: int = Field(500, gt=0, le=100_000, description="Gateway requests kept")
    max_body_bytes: int = Field(
        64 * 1024, gt=0, le=16 * 1024 * 1024, description="Each body is cut after this"
    )

    @model_validator(mode="after")
    def _credential_when_enabled(self) -> DebugSettings:
        if self.enabled and not self.token:
            raise ValueError(
                "debug.enabled needs debug.token (ETJANST_DEBUG__TOKEN, 16 characters or more): "
                "the page shows what the upstreams answer"
            )
        return self


DEFAULT_UNITS: dict[str, dict[str, Any]] = {
    "SE2321000057-5VTN": {
        "name": "Tenhults vårdcentral",
        "services": [EService.RENEW_PRESCRIPTION, EService.WEB_BOOKING, EService.SEND_MESSAGE],
        "web_booking": {"view": True, "cancel": True, "rebook": True, "book": True},
    },
    "SE2321000057-5RB2": {
        "name": "Vårdcentralen Bra Liv Eksjö",
        "services": [EService.RENEW_PRESCRIPTION, EService.SEND_MESSAGE],
    },
    "SE2321000057-4K1C": {
        "name": "Hjärtmottagningen, Länssjukhuset Ryhov",
        "services": [EService.RENEW_PRESCRIPTION],
        "linked": ["SE2321000057-4K1D"],
        "web_booking": {"view": True, "cancel": True, "late_cancellation_hours": 72},
    },
    "SE2321000057-4K1D": {
        "name": "Diabetesmottagningen, Länssjukhuset Ryhov",
        "services": [EService.RENEW_PRESCRIPTION],
        "web_booking": {"view": True, "cancel": True, "late_cancellation_hours": 72},
    },
    "SE2321000057-5SXK": {"name": "Blodcentralen Eksjö", "services": []},
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ETJANST_", env_nested_delimiter="__", extra="forbid"
    )

    environment: Literal["production", "development"] = Field(
        "production",
        description="production refuses the development secret and tokens without aud/iss; "
        "`etjanst up` and `etjanst mocks` run in development",
    )
    today: date | None = Field(None, description="Pin 'today' (YYYY-MM-DD) for gateway and mocks")
    now: datetime | None = Field(
        None, description="Pin the clock (ISO 8601 with offset); also fixes 'today'"
    )
    consumer_hsa_id: str = Field(
        "SE2321000057-E1177", description="x-rivta-original-serviceconsumer-hsaid"
    )
    upstreams: Upstreams = Field(default_factory=Upstreams)  # type: ignore[valid-type]
    units: dict[str, UnitSettings] = Field(
        default_factory=lambda: {k: UnitSettings(**v) for k, v in DEFAULT_UNITS.items()}
    )
    auth: AuthSettings = AuthSettings()
    outpatient_fees: OutpatientFeeSettings = OutpatientFeeSettings()
    booking: BookingSettings = Field(default_factory=BookingSettings)
    mocks: MockSettings = MockSettings()
    store: StoreSettings = Field(default_factory=StoreSettings)
    debug: DebugSettings = DebugSettings()

    @field_validator("now")
    @classmethod
    def _now_has_offset(cls, now: datetime | None) -> datetime | None:
        if now is not None and now.utcoffset() is None:
            raise ValueError("give the offset, e.g. 2026-12-01T09:00:00+01:00")
        return now

    @field_validator("units")
    @classmethod
    def _canonical_unit_ids(cls, units: dict[str, UnitSettings]) -> dict[str, UnitSettings]:
        return {normalise_unit_id(hsa_id): unit for hsa_id, unit in units.items()}

    @model_validator(mode="after")
    def _slot_ids_can_be_signed(self) -> Settings:
        if not (self.booking.slot_secret or self.auth.hs256_secret):
            raise ValueError("booking.slot_secret is required when auth has no hs256_secret")
        return self

    @model_validator(mode="after")
    def _links_name_known_units(self) -> Settings:
        for hsa_id, unit in self.units.items():
            unknown = [u for u in unit.linked if u.upper() not in self.units]
            if unknown:
                raise ValueError(f"unit {hsa_id} links to units not in the registry: {unknown}")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    def pinned_today(self) -> date | None:
        """`today`, or the date of `now` in Europe/Stockholm; None when neither is pinned."""
        if self.today is None and self.now is not None:
            return self.now.astimezone(STOCKHOLM).date()
        return self.today

    def production_problems(self) -> list[str]:
        """Why the gateway must not start with these settings; empty in development."""
        return self.auth.production_problems() if self.environment == "production" else []

    def today_date(self) -> date:
        """The date in Europe/Stockholm, unless pinned."""
        return today_in_stockholm(self.pinned_today())

    def now_moment(self) -> datetime:
        """Now in Europe/Stockholm: `now` if pinned; on a pinned `today`, that day at the
        current time of day, so that 'now' and 'today' always agree."""
        return now_in_stockholm(self.now, self.today)

    def upstream(self, name: str) -> UpstreamSettings:
        return getattr(self.upstreams, name)

    def unit_registry(self) -> dict[str, Unit]:
        return {
            hsa_id: Unit(
                hsa_id=hsa_id,
                name=u.name,
                services=frozenset(u.services)
                | ({EService.WEB_BOOKING} if u.web_booking else frozenset()),
                web_booking=WebBooking(**u.web_booking.model_dump()) if u.web_booking else None,
            )
            for hsa_id, u in self.units.items()
        }

    def unit_groups(self) -> dict[str, frozenset[str]]:
        return link_groups({hsa_id: u.linked for hsa_id, u in self.units.items()})


class ConfigFileError(ValueError):
    """The settings cannot be read: a readable message, no traceback needed."""


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Settings from an optional TOML file, the environment and keyword overrides.
    Raises ConfigFileError for anything wrong with them."""
    if config is not None and not config.is_file():
        raise ConfigFileError(f"configuration file not found: {config}")

    class FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=config)

    try:
        return FileSettings(**overrides) if config is not None else Settings(**overrides)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{config} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        ]
        raise ConfigFileError("the settings are not valid:\n" + "\n".join(lines)) from exc
