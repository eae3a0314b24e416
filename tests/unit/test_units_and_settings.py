"""Unit ids, linked units, and settings from TOML and ETJANST_* variables."""

from pathlib import Path

import pytest

from contracts.cosmic import UPSTREAM as COSMIC
from contracts.registry import UPSTREAMS
from gateway.domain.units import MalformedUnitId, link_groups, normalise_unit_id
from gateway.settings import ConfigFileError, load_settings
from gateway.upstreams.http import UpstreamHttp, UpstreamMetrics


@pytest.mark.parametrize("text", ["SE2321000057-5VTN", "se2321000057-5vtn", "SE165565594230-1000"])
def test_well_formed_hsa_ids(text: str) -> None:
    assert normalise_unit_id(text) == text.upper()


@pytest.mark.parametrize(
    "text",
    ["5VTN", "SE2321000057", "SE232100005-5VTN", "SE2321000057-", "x", "SE2321000057-5VTN/x"],
)
def test_malformed_hsa_ids(text: str) -> None:
    with pytest.raises(MalformedUnitId):
        normalise_unit_id(text)


def test_links_are_symmetric_and_transitive() -> None:
    groups = link_groups({"A": ["B"], "C": ["B"], "D": []})
    assert groups["A"] == groups["B"] == groups["C"] == frozenset({"A", "B", "C"})
    assert "D" not in groups


def test_links_ignore_case() -> None:
    groups = link_groups({"se2321000057-4k1c": ["SE2321000057-4K1D"]})
    assert groups["SE2321000057-4K1C"] == {"SE2321000057-4K1C", "SE2321000057-4K1D"}
    assert groups["SE2321000057-4K1D"] == groups["SE2321000057-4K1C"]


def test_default_registry_has_tenhult_and_a_linked_pair() -> None:
    settings = load_settings()
    registry = settings.unit_registry()
    assert registry["SE2321000057-5VTN"].name == "Tenhults vårdcentral"
    assert "renew-prescription" in registry["SE2321000057-5VTN"].services
    groups = settings.unit_groups()
    assert groups["SE2321000057-4K1C"] == {"SE2321000057-4K1C", "SE2321000057-4K1D"}


def test_environment_overrides_use_double_underscore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETJANST_UPSTREAMS__COSMIC__URL", "http://cosmic.test/soap")
    monkeypatch.setenv("ETJANST_UPSTREAMS__COSMIC__READ_TIMEOUT_S", "3.5")
    monkeypatch.setenv("ETJANST_AUTH__HS256_SECRET", "s3cret")
    monkeypatch.setenv("ETJANST_TODAY", "2027-02-28")
    settings = load_settings()
    assert settings.upstreams.cosmic.url == "http://cosmic.test/soap"
    assert settings.upstreams.cosmic.read_timeout_s == 3.5
    assert settings.upstreams.cosmic.connect_timeout_s == 2.0
    assert settings.auth.hs256_secret == "s3cret"
    assert settings.today_date().isoformat() == "2027-02-28"


def test_toml_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "etjanst.toml"
    config.write_text(
        '[upstreams.cosmic]\nurl = "http://from-file"\nread_timeout_s = 4\n'
        '[units."SE2321000057-AAA1"]\nname = "Testmottagning"\nservices = ["renew-prescription"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ETJANST_UPSTREAMS__COSMIC__READ_TIMEOUT_S", "7")
    settings = load_settings(config)
    assert settings.upstreams.cosmic.url == "http://from-file"
    assert settings.upstreams.cosmic.read_timeout_s == 7
    assert list(settings.units) == ["SE2321000057-AAA1"]


def test_missing_file_and_bad_links_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="not found"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigFileError, match="links to units not in the registry"):
        load_settings(units={"SE2321000057-AAA1": {"name": "A", "linked": ["SE2321000057-ZZZ9"]}})


def test_broken_toml_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("[upstreams.cosmic\nurl = ", encoding="utf-8")
    with pytest.raises(ConfigFileError, match="not valid TOML"):
        load_settings(config)


def test_tls_and_proxy_settings_reach_the_upstream_session(tmp_path: Path) -> None:
    from prometheus_client import CollectorRegistry
    from urllib3 import ProxyManager

    settings = load_settings(
        upstreams={
            "cosmic": {
                "url": "https://ntjp.test/x",
                "ca_file": str(tmp_path / "ca.pem"),
                "client_cert_file": str(tmp_path / "me.pem"),
                "client_key_file": str(tmp_path / "me.key"),
                "proxy": "http://proxy.test:3128",
            }
        }
    )
    pool = UpstreamHttp(
        COSMIC, settings.upstream("cosmic"), UpstreamMetrics(CollectorRegistry())
    ).proxied
    assert isinstance(pool, ProxyManager)
    assert pool.proxy.url == "http://proxy.test:3128"
    assert pool.connection_pool_kw["ca_certs"] == str(tmp_path / "ca.pem")
    assert pool.connection_pool_kw["cert_file"] == str(tmp_path / "me.pem")
    assert pool.connection_pool_kw["key_file"] == str(tmp_path / "me.key")


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (
            {"url": "https://ntjp.test/base"},
            "https://ntjp.test/base/GetMedicationHistory/2/rivtabp21",
        ),
        (
            {"url": "https://ntjp.test/base/"},
            "https://ntjp.test/base/GetMedicationHistory/2/rivtabp21",
        ),
        (  # a full interaction endpoint, as single-interaction upstreams were configured
            {"url": "https://ntjp.test/a/GetMedicationHistory/2/rivtabp21"},
            "https://ntjp.test/a/GetMedicationHistory/2/rivtabp21",
        ),
        (
            {
                "url": "https://ntjp.test/base",
                "endpoints": {"GetMedicationHistory": "https://elsewhere.test/gmh"},
            },
            "https://elsewhere.test/gmh",
        ),
    ],
)
def test_each_interaction_endpoint_is_derived_from_the_base_url(
    configured: dict[str, object], expected: str
) -> None:
    from prometheus_client import CollectorRegistry

    settings = load_settings(upstreams={"cosmic": configured})
    http = UpstreamHttp(COSMIC, settings.upstream("cosmic"), UpstreamMetrics(CollectorRegistry()))
    assert http.endpoints()["GetMedicationHistory"] == expected


def test_production_factory_reads_config_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.wsgi import create

    config = tmp_path / "prod.toml"
    config.write_text(
        "".join(f'[upstreams.{u.name}]\nurl = "https://{u.name}.test/x"\n' for u in UPSTREAMS),
        encoding="utf-8",
    )
    monkeypatch.setenv("ETJANST_CONFIG", str(config))
    for name, value in (("HS256_SECRET", "s" * 32), ("AUDIENCE", "etjanst"), ("ISSUER", "idp")):
        monkeypatch.setenv(f"ETJANST_AUTH__{name}", value)
    ready = create().test_client().get("/readyz").json["upstreams"]
    assert ready["cosmic"]["GetMedicationHistory"] == (
        "https://cosmic.test/x/GetMedicationHistory/2/rivtabp21"
    )
    assert set(ready) == {u.name for u in UPSTREAMS}
    monkeypatch.delenv("ETJANST_CONFIG")
    with pytest.raises(ValueError, match=r"upstreams\.cosmic\.url is not set"):
        create()  # no built-in mocks here: every upstream needs a URL


@pytest.mark.parametrize("leeway", [-1, 301])
def test_token_leeway_is_bounded(leeway: int) -> None:
    with pytest.raises(ConfigFileError, match=r"auth\.leeway_s"):
        load_settings(auth={"leeway_s": leeway})
    assert load_settings(auth={"leeway_s": 300}).auth.leeway_s == 300
