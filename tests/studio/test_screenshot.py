"""The README's picture of the studio, made by the test run on a journey from `journeys/`.

A person changes a delighter's chance in `hotel_stay.journey` (committed to a git
repository of its own, so that the diff is against the last commit) and sees the map,
the forecast and the diff; the test checks they are there, then writes
docs/images/studio.png. Skipped, like the other browser tests, where Chromium is
missing outside CI.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("starlette")
pytest.importorskip("lsprotocol")

from tests.conftest import JOURNEYS, ROOT
from tests.render import chromium

from .conftest import committed_folder
from .studio_process import Page, Studio, browser_binary, ci

BINARY = browser_binary()
SCREENSHOT = ROOT / "docs" / "images" / "studio.png"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BINARY is None and not ci(),
        reason="Chromium is not installed (CI installs it: apt-get install chromium)",
    ),
]


def test_a_changed_delighter_in_the_hotel_journey(tmp_path):
    assert BINARY is not None, "CI must install Chromium"
    text = (JOURNEYS / "hotel_stay.journey").read_text(encoding="utf-8")
    folder = committed_folder(tmp_path / "repo", {"hotel_stay.journey": text})
    if shutil.which("dot") is None and not ci():
        pytest.skip("Graphviz's dot is not installed: the picture would have no map")
    studio = Studio(folder)
    try:
        with chromium.Browser(BINARY) as browser:
            browser.viewport(1440, 1000)
            page = Page(browser)
            page.go(studio.url)
            page.wait("window.studio.analyses >= 1 && !!document.querySelector('#map svg')")
            page.select('upgrade "Complimentary room upgrade" chance 8%')
            page.type('upgrade "Complimentary room upgrade" chance 25%')
            page.wait("document.getElementById('diff').textContent.includes('25%')")
            # the first text's forecast is cancelled by the edit: one forecast reaches the page
            page.wait("window.studio.forecasts >= 1")
            assert page.value("window.studio.forecasts") == 1
            diff = page.value("document.getElementById('diff').textContent")
            assert "`8%` → `25%`" in diff or "8% → 25%" in diff
            assert "NPS" in diff
            assert page.value("!!document.querySelector('#map-drawing svg')")
            assert page.value("!!document.querySelector('#curve svg')")
            assert browser.problems() == []
            page.value("document.activeElement.blur()")  # no blinking cursor in the picture
            page.screenshot(SCREENSHOT, 1440, 1000)
    finally:
        studio.stop()
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
