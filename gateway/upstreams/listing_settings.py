"""`upstreams.listing`: the common scheme plus the region's own county code. Apart from the
client so that reading settings imports no HTTP machinery."""

from __future__ import annotations

from pydantic import Field

from gateway.upstreams.settings import UpstreamSettings


class ListingSettings(UpstreamSettings):
    home_county: str = Field(
        "06",
        pattern=r"^[0-9]{2}$",
        description="The region's county code (SCB): the LogicalAddress of the calls about "
        "choosing a facility, and the citizen's county when GetListingCounty names none",
    )
