"""The studio in headless Chromium: a person types, and the page answers.

One studio and one browser for the module, on a small journey committed to a git
repository of its own. Skipped where Chromium is missing outside CI; in CI (`CI` set) it
must run.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("starlette")
pytest.importorskip("lsprotocol")

from tests.render import chromium

from .conftest import SMALL, committed_folder
from .studio_process import Page, Studio, browser_binary, ci

BINARY = browser_binary()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BINARY is None and not ci(),
        reason="Chromium is not installed (CI installs it: apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return committed_folder(tmp_path_factory.mktemp("studio") / "repo", {"shop.journey": SMALL})


@pytest.fixture(scope="module")
def page(folder):
    assert BINARY is not None, "CI must install Chromium"
    studio = Studio(folder)
    try:
        with chromium.Browser(BINARY) as browser:
            browser.viewport(1400, 900)
            opened = Page(browser)
            opened.go(studio.url)
            opened.wait("window.studio.analyses >= 1 && window.studio.forecasts >= 1")
            yield opened
            assert browser.problems() == []
            origin = studio.url.split("/?")[0]
            fetched = [u for u in browser.requests() if not u.startswith("data:")]
            assert all(url.startswith(origin + "/") for url in fetched)  # no network
    finally:
        studio.stop()


def test_the_page_shows_the_map_and_the_forecast(page):
    assert "Orders online" in page.value("document.querySelector('#map-drawing svg').textContent")
    assert page.value("document.getElementById('forecast-table').textContent").startswith(
        "Small shop: "
    )
    assert page.value("!!document.querySelector('#curve svg')")
    assert "No change to the model" in page.value("document.getElementById('diff').textContent")
    # the facts table's words are highlighted: `horizon` is an attribute, `2` a number
    assert page.value("document.querySelectorAll('.cm-content span').length") > 20


def test_an_error_is_marked_at_its_line_and_the_map_greys(page):
    page.select("weeks")
    page.type("wekes")
    page.wait("window.studio.diagnostics.some(d => d.severity === 'error')")
    assert [d["line"] for d in page.value("window.studio.diagnostics")] == [2]  # the 3rd line
    page.wait("!!document.querySelector('.cm-lintRange-error')")
    assert page.value("document.getElementById('map').classList.contains('stale')")
    assert page.value("!!document.querySelector('#map-drawing svg')")  # the last valid map
    page.select("wekes")
    page.type("weeks")
    page.wait("window.studio.ok && !document.getElementById('map').classList.contains('stale')")


def test_a_changed_label_redraws_the_map(page):
    page.select("Orders online")
    page.type("Orders in the app")
    page.wait("document.querySelector('#map-drawing svg').textContent.includes('Orders in the')")


def test_a_changed_chance_changes_the_diff_and_the_forecast(page):
    before = page.value("window.studio.forecasts")
    page.select("20%")
    page.type("45%")
    page.wait("document.getElementById('diff').textContent.includes('45%')")
    assert "`20%` → `45%`" in page.value("document.getElementById('diff').textContent") or (
        "20% → 45%" in page.value("document.getElementById('diff').textContent")
    )
    page.wait(f"window.studio.forecasts > {before}")
    diff = page.value("document.getElementById('diff').textContent")
    assert "NPS" in diff  # the forecast of the change, as the pull-request comment has it


def test_completion_offers_the_blocks_statements(page):
    before = page.text()
    page.select("  customers 30\n")
    page.type("  customers 30\n  hor")
    page.wait(
        "[...document.querySelectorAll('.cm-completionLabel')]"
        ".some(e => e.textContent === 'horizon')"
    )
    analyses, forecasts = page.value("[window.studio.analyses, window.studio.forecasts]")
    page.value(  # back to the text before, in one edit
        "window.studio.view.dispatch({changes: {from: 0, to: window.studio.view.state.doc.length,"
        f" insert: {json.dumps(before)}}}}})"
    )
    page.wait(  # checked, and forecast again
        f"window.studio.ok && window.studio.analyses > {analyses}"
        f" && window.studio.forecasts > {forecasts}"
        " && !document.getElementById('forecast').classList.contains('running')"
    )


def test_the_full_forecast_button_runs_the_command_lines_default(page):
    page.value("document.getElementById('full').click()")
    page.wait(
        "document.getElementById('forecast-state').textContent.startsWith('full run')"
        " && !document.getElementById('forecast').classList.contains('running')"
    )


def test_save_writes_the_editor_text_to_the_file(page, folder):
    page.value("document.getElementById('save').click()")
    page.wait("window.studio.saves === 1")
    on_disk = (folder / "shop.journey").read_text(encoding="utf-8")
    assert on_disk == page.text()
    assert "chance 45%" in on_disk and "Orders in the app" in on_disk
    assert page.value("document.getElementById('save').disabled")
