"""The report leads with payback and holds the drivers and the sensitivity.

The shop's scenarios cost 10k to 50k against a few hundred customers' revenue, so none
pays for itself within four weeks: the headline must say so first, then what the
options buy. `--no-analysis` leaves the drivers and the sensitivity out.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.decide.cases import SHOP

QUICK = ["-n", "2", "--seed", "3", "-j", "1", "-q", "--horizon", "4 weeks"]


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("money") / "shop.journey"
    path.write_text(SHOP.replace("customers 1500", "customers 150"), encoding="utf-8")
    return path


def headline(page: str) -> str:
    found = re.search(r'<p class="headline">(.*?)</p>', page, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def sections(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', page)


def test_the_headline_leads_with_payback_and_the_report_holds_the_analyses(shop: Path) -> None:
    out = shop.parent / "report.html"
    done = run_cli("report", str(shop), *QUICK, "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    page = out.read_text(encoding="utf-8")
    first = headline(page)
    assert first.startswith("None of the options pays for itself within the horizon of 28 days")
    assert "What they buy instead: big +" in first
    assert {"drivers", "sensitivity"} <= set(sections(page))


def test_no_analysis_leaves_the_drivers_and_sensitivity_out(shop: Path) -> None:
    out = shop.parent / "quick.html"
    done = run_cli("report", str(shop), *QUICK, "--no-analysis", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    page = out.read_text(encoding="utf-8")
    assert headline(page).startswith("None of the options pays for itself")
    assert not {"drivers", "sensitivity"} & set(sections(page))


def test_the_report_flags_an_effect_beyond_the_evidence(shop: Path) -> None:
    page = (shop.parent / "report.html").read_text(encoding="utf-8")
    assert "Check the evidence: big moves NPS by +" in html.unescape(page)
    assert "the number that drives it: a.delivers += 1.5" in html.unescape(page)


def test_the_report_keeps_the_precision_or_says_where_the_maximum_stopped_it(shop: Path) -> None:
    out = shop.parent / "precise.html"
    done = run_cli(
        "report", str(shop), "-n", "2", "--precision", "0.05", "--max-replications", "3",
        "-j", "1", "-q", "--horizon", "4 weeks", "--no-analysis", "-o", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    page = html.unescape(out.read_text(encoding="utf-8"))
    assert "3 replications" in page
    assert "stopped at the maximum of 3 replications; half-width ±" in page
