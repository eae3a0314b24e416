"""RIV-TA timestamps (YYYYMMDDhhmmss) as the gateway reads them from answers."""

from __future__ import annotations

from datetime import datetime

import pytest

from gateway.upstreams.riv_xml import timestamp


def test_a_timestamp_is_read_to_the_second() -> None:
    assert timestamp("20240229235958") == datetime(2024, 2, 29, 23, 59, 58)


@pytest.mark.parametrize(
    "text",
    [None, "", "2024022923595", "202402292359580", "2024-02-29T23:59", "20230229120000",
     "20241301120000", "20240101240000", "20240101126000", "20240101120060", "00000101120000"],
)  # fmt: skip
def test_what_is_not_a_real_moment_is_none(text: str | None) -> None:
    assert timestamp(text) is None
