"""The listing mock's rules (yearly limit and its setting, queue and capacity), the settings of
the listing upstream and mock, and the gateway's reading of what a change made. No server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gateway.domain.listing import Facility, Listing, ListingChange, ListingType, the_change
from gateway.settings import ConfigFileError, load_settings
from mocks.kit.config import MockConfig
from mocks.kit.store import MockStore
from mocks.listing.data import EKSJO, HUSKVARNA, TENHULT
from mocks.listing.mock import ListingMock
from mocks.listing.models import Citizen, ListingBackend, ListingRequest, changes_counted

TODAY = date(2026, 11, 25)
PERSON = "199009031478"


def test_a_change_a_year_ago_today_no_longer_counts() -> None:
    citizen = Citizen(id=PERSON, changes=[date(2025, 11, 25), date(2025, 11, 26), TODAY])
    assert changes_counted(citizen, TODAY) == 2


def test_a_change_on_29_february_counts_through_28_february() -> None:
    citizen = Citizen(id=PERSON, changes=[date(2024, 2, 29)])
    assert changes_counted(citizen, date(2025, 2, 28)) == 1
    assert changes_counted(citizen, date(2025, 3, 1)) == 0


def mock(tmp_path: Path, **options: object) -> ListingMock:
    config = MockConfig(tmp_path / "mocks.sqlite3", today=TODAY, options={"listing": options})
    return ListingMock(config, MockStore(config.state_path))


def ask(facility: str, add_to_queue: bool = False) -> ListingRequest:
    return ListingRequest(PERSON, "CITIZEN", facility, "PV", None, add_to_queue, "06")


def test_the_yearly_limit_is_a_mock_setting(tmp_path: Path) -> None:
    backend: ListingBackend = mock(tmp_path, annual_change_limit=2).backend()
    assert backend.create(ask(TENHULT), TODAY).code == "OK"
    assert backend.create(ask(EKSJO), TODAY).code == "OK"
    refused = backend.create(ask(TENHULT), TODAY)
    assert refused.code == "ERROR_MAXIMUM_ANNUAL_UPDATES_EXCEEDED"
    assert "2" in refused.text
    listed = backend.citizen(PERSON).listing
    assert listed is not None and listed.facility == EKSJO  # the refusal changed nothing


def test_default_limit_is_three(tmp_path: Path) -> None:
    backend: ListingBackend = mock(tmp_path).backend()
    codes = [backend.create(ask(f), TODAY).code for f in (TENHULT, EKSJO, TENHULT, EKSJO)]
    assert codes == ["OK", "OK", "OK", "ERROR_MAXIMUM_ANNUAL_UPDATES_EXCEEDED"]


def test_listing_moves_the_count_between_facilities(tmp_path: Path) -> None:
    backend: ListingBackend = mock(tmp_path).backend()
    before = {f: backend.facility(f).listed for f in (TENHULT, EKSJO)}  # type: ignore[union-attr]
    backend.create(ask(TENHULT), TODAY)
    backend.create(ask(EKSJO), TODAY)
    after = {f: backend.facility(f).listed for f in (TENHULT, EKSJO)}  # type: ignore[union-attr]
    assert after == {TENHULT: before[TENHULT], EKSJO: before[EKSJO] + 1}


def test_queueing_counts_and_places_last(tmp_path: Path) -> None:
    backend: ListingBackend = mock(tmp_path).backend()
    assert backend.create(ask(HUSKVARNA, add_to_queue=True), TODAY).code == "OK"
    facility, position = backend.queue_place(PERSON)
    assert (facility.id, position) == (HUSKVARNA, 3)
    assert backend.remaining_changes(backend.citizen(PERSON), TODAY) == 2


def test_mock_settings_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"mocks\.options\.listing .*annual_change_limit"):
        mock(tmp_path, annual_change_limit=0)
    with pytest.raises(ValueError, match=r"mocks\.options\.listing .*yearly"):
        mock(tmp_path, yearly=2)


def test_settings_carry_mock_options_and_the_home_county() -> None:
    settings = load_settings(
        mocks={"options": {"listing": {"annual_change_limit": 2}}},
        upstreams={"listing": {"home_county": "07"}},
    )
    assert settings.mocks.options == {"listing": {"annual_change_limit": 2}}
    assert settings.upstream("listing").home_county == "07"  # type: ignore[attr-defined]
    assert settings.upstream("listing").logical_address == "06"


@pytest.mark.parametrize(
    "overrides",
    [
        {"mocks": {"options": {"nosuchmock": {}}}},
        {"upstreams": {"listing": {"home_county": "6"}}},
        {"upstreams": {"cosmic": {"home_county": "06"}}},  # listing's own key, not cosmic's
    ],
)
def test_wrong_settings_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ConfigFileError):
        load_settings(**overrides)


def listed_at(facility: str, in_queue: bool) -> Listing:
    return Listing(
        type=ListingType("PV", None),
        facility=Facility(facility, "x", True, False, ("PV",)),
        personnel=None,
        valid_from=TODAY,
        valid_to=None,
        in_queue=in_queue,
        queue_position=1 if in_queue else None,
        estimated_wait_days=None,
        remaining_changes=1,
    )


def test_the_change_is_the_queue_place_only_when_one_was_asked_for() -> None:
    listings = [listed_at(HUSKVARNA, False), listed_at(HUSKVARNA, True)]
    queued = the_change(listings, ListingChange(HUSKVARNA, add_to_queue=True))
    assert queued is not None and queued.in_queue
    listed = the_change(listings[::-1], ListingChange(HUSKVARNA))
    assert listed is not None and not listed.in_queue
    assert the_change(listings, ListingChange(EKSJO)) is None
