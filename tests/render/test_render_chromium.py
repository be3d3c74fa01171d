"""The report in a real browser: headless Chromium renders it without a console error.

Skipped only where Chromium is missing outside CI; in CI (`CI` set) it must run.
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from cxjourney.cli.render import report
from tests.conftest import JOURNEYS
from tests.render import chromium

BINARY = chromium.find()
pytestmark = pytest.mark.skipif(
    BINARY is None and not os.environ.get("CI"),
    reason="Chromium is not installed (CI installs it: apt-get install chromium)",
)


@pytest.fixture(scope="module")
def report_path(tmp_path_factory, hotel_results_path):
    out = tmp_path_factory.mktemp("browser") / "report.html"
    args = [str(JOURNEYS / "hotel_stay.journey"), "--results", str(hotel_results_path)]
    result = CliRunner().invoke(report, [*args, "--retention-points", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    assert BINARY is not None, "CI must install Chromium"
    with chromium.Browser(BINARY) as opened:
        yield opened


def test_report_renders_without_console_errors(browser, report_path):
    browser.viewport(1280, 900)
    browser.open(report_path)
    assert browser.evaluate("document.title") == "Hotel stay — journey report"
    assert browser.problems() == []
    # nothing was fetched but the file itself
    assert set(browser.requests()) == {report_path.resolve().as_uri()}
    # the inline SVG is laid out, not shown as text
    width = browser.evaluate("document.querySelector('.map svg').getBoundingClientRect().width")
    assert width > 500
    drawn = browser.evaluate("document.querySelectorAll('svg polyline.persona').length")
    assert drawn == 3


def test_report_fits_a_phone(browser, report_path):
    browser.viewport(390, 844, mobile=True)
    browser.open(report_path)
    widths = browser.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]  # wide content scrolls inside its own box, not the page
    assert browser.problems() == []


def test_report_prints(browser, report_path):
    browser.viewport(1280, 900)
    browser.open(report_path)
    browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    hidden = browser.evaluate("getComputedStyle(document.querySelector('.toggle-label')).display")
    assert hidden == "none"
    pdf = browser.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    browser.call("Emulation.setEmulatedMedia", {"media": ""}, session=True)
    assert browser.problems() == []
