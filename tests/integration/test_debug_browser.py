"""/_debug in a real headless browser (Debian's chromium driven by Playwright): log in with
the page's credential, filter, open a failed request, and check a screenshot: both panes of the
side-by-side view inside the viewport and not blank, the failure's red status badge drawn, and
no identity number in clear anywhere on the page.

Chromium must be installed (/usr/bin/chromium, Debian's `chromium` package; .ci/run installs
it): without it this test fails, it never skips."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Browser, Page, sync_playwright

from contracts.privacy import mask_text
from tests.debug_support import ADULT_RULES, DEBUG_TOKEN, ORDINATIONS, DebugServer, debug_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
FAILED_BADGE = (0xC6, 0x28, 0x28)  # .s5 in the page's style sheet


@pytest.fixture(scope="module")
def debug(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DebugServer]:
    yield from debug_server(tmp_path_factory.mktemp("debug-browser-mocks"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=120_000
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, debug: DebugServer) -> Iterator[Page]:
    context = browser.new_context(
        viewport=VIEWPORT, http_credentials={"username": "staff", "password": DEBUG_TOKEN}
    )
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


def test_staff_find_a_failed_request_and_see_both_sides(
    debug: DebugServer, page: Page, tmp_path: Path
) -> None:
    debug.reset()
    assert debug.citizen(ORDINATIONS, "browser-ok").status_code == 200
    debug.fault(type="soap_fault", code="VP009", message=f"<b>down</b> {ADULT_RULES}", times=1)
    assert debug.citizen(ORDINATIONS, "browser-fault").status_code == 502
    debug.reset()

    page.goto(f"{debug.url}/_debug")
    assert page.locator("tr.request").count() >= 2
    page.fill("input[name=status]", "5xx")
    page.fill("input[name=upstream]", "cosmic")
    page.click("button[type=submit]")
    rows = page.locator("tr.request")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-status") == "502"
    assert "browser-fault" in rows.first.inner_text()
    rows.first.locator("a").click()
    page.wait_for_selector("#answer")

    assert page.locator("#status").inner_text() == "502"
    answer_text = page.locator("#answer").inner_text()
    assert '"code": "UPSTREAM_FAULT"' in answer_text
    assert "<b>down</b>" in answer_text  # the upstream's markup, shown as text
    assert "&lt;b&gt;down" in page.locator("#upstream").inner_text()  # as the envelope has it
    assert page.locator("main b").count() == 0
    for text in (page.content(), page.locator("body").inner_text()):
        assert mask_text(text) == text, "an identity number shown in clear"
    assert "19680415****" in page.locator("#upstream").inner_text()

    shot = Image.open(io.BytesIO(page.screenshot(path=str(tmp_path / "debug.png")))).convert("RGB")
    assert shot.size == (VIEWPORT["width"], VIEWPORT["height"])
    upstream, answer = (page.locator(pane).bounding_box() for pane in ("#upstream", "#answer"))
    assert upstream and answer
    assert upstream["x"] + upstream["width"] <= answer["x"], "the panes are side by side"
    for box in (upstream, answer):
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= VIEWPORT["width"]
        assert box["y"] + 100 <= VIEWPORT["height"], "each pane starts inside the viewport"
        bottom = min(box["y"] + box["height"], VIEWPORT["height"])
        pane = shot.crop((int(box["x"]), int(box["y"]), int(box["x"] + box["width"]), int(bottom)))
        assert max(ImageStat.Stat(pane.convert("L")).stddev) > 20, "a pane is blank"
    badge = page.locator("#status").bounding_box()
    assert badge
    drawn = shot.crop(
        (
            int(badge["x"]),
            int(badge["y"]),
            int(badge["x"] + badge["width"]),
            int(badge["y"] + badge["height"]),
        )
    )
    colours = drawn.getcolors(maxcolors=drawn.width * drawn.height) or []
    red = sum(
        n
        for n, rgb in colours
        if max(abs(a - b) for a, b in zip(rgb, FAILED_BADGE, strict=True)) < 12
    )
    assert red > drawn.width * drawn.height / 3, "the failed request's status badge is not red"
