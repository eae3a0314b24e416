"""The mock journal keeps a request's headers with identity numbers masked, however often the
same header comes again (their masking is remembered)."""

from __future__ import annotations

from collections.abc import Callable

import requests

from tests.conftest import COSMIC_ENDPOINT

Admin = Callable[..., requests.Response]


def test_headers_are_journaled_masked_every_time(
    mock_admin: Admin, base_url: str, http: requests.Session
) -> None:
    mock_admin("DELETE", "journal")
    for _ in range(2):
        http.post(
            f"{base_url}{COSMIC_ENDPOINT}",
            data=b"<not-soap/>",
            headers={"X-Patient": "191212121212", "Content-Type": "text/xml"},
            timeout=10,
        )
    exchanges = mock_admin("GET", "journal").json()["exchanges"]
    assert [e["request"]["headers"]["X-Patient"] for e in exchanges] == ["19121212****"] * 2
