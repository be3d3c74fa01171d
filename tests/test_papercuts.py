"""Small things a newcomer trips over on the command line, each held in place."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, errors, run_cli

SHOP = """\
journey "Shop" {
  customers 10
  horizon 2 weeks
  persona p {
    share 100%
    visits every 3 days
    spend 10
  }
  stage s {
    touchpoint courier {
      capacity 2
      service exp(2 min)
    }
  }
  scenario better "Better" {
    cost 100
    courier.capacity = 3
  }
  scenario best "Best" {
    cost 300
    courier.capacity = 4
  }
}
"""


@pytest.fixture
def shop(tmp_path: Path) -> str:
    path = tmp_path / "shop.journey"
    path.write_text(SHOP, encoding="utf-8")
    return str(path)


def test_the_curve_names_the_one_format_it_is_drawn_in(tmp_path: Path, shop: str) -> None:
    for name in ("curve.png", "curve.pdf"):
        done = run_cli("render", shop, "--view", "curve", "-o", name, cwd=tmp_path)
        err = done.stderr.decode()
        assert done.returncode == 2 and "SVG only" in err and "-o curve.svg" in err, err
    done = run_cli("render", shop, "--view", "curve", "-o", "curve", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "curve.svg").read_text(encoding="utf-8").rstrip().endswith("</svg>")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_a_file_name_without_suffix_gets_the_formats(tmp_path: Path, shop: str) -> None:
    done = run_cli("render", shop, "--format", "pdf", "-o", "food_map", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "food_map.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "food_map").exists()


def test_report_refuses_to_dump_html_on_a_terminal(tmp_path: Path, shop: str) -> None:
    main, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cxjourney", "report", shop, "-n", "1"],
            stdout=follower,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(main)
    err = done.stderr.decode()
    assert done.returncode == 2 and "-o report.html" in err, err


def test_diff_takes_the_shared_simulation_options_with_help() -> None:
    out = run_cli("diff", "--help").stdout.decode()
    assert "--workers" in out and "--allow-long" in out
    assert re.search(r"--seed INTEGER RANGE\s+Seed of every random number", out)
    assert re.search(r"-n, --replications INTEGER RANGE\s+Independent replications", out)


def test_drivers_help_does_not_describe_roi() -> None:
    out = run_cli("drivers", "--help").stdout.decode()
    assert "roi" not in out.lower()
    assert "roi" in run_cli("compare", "--help").stdout.decode()


def test_a_unit_where_none_belongs_names_the_attribute() -> None:
    text = SHOP.replace("courier.capacity = 3", "courier.capacity = 7 couriers")
    found = errors(text)
    assert found == [(17, 26, "'capacity' takes no unit, found 'couriers'")]


def test_one_replication_is_singular(shop: str) -> None:
    out = run_cli("simulate", shop, "-n", "1", "-j", "1").stdout.decode()
    assert out.startswith("Shop: 1 replication, seed 1")
    compared = run_cli("compare", shop, "-n", "1", "-j", "1").stdout.decode()
    assert "1 replications" not in compared and "1 replication," in compared


@pytest.mark.parametrize("command", ["simulate", "compare", "render", "report"])
def test_an_unknown_scenario_lists_the_valid_ones(shop: str, command: str) -> None:
    extra = ["--simulate"] if command == "render" else []
    done = run_cli(command, shop, *extra, "--scenario", "nosuch", "-o", "-")
    err = done.stderr.decode()
    assert done.returncode == 2 and "(its scenarios: better, best)" in err, err


def test_compare_by_roi_prints_the_roi_once(shop: str) -> None:
    out = run_cli("compare", shop, "--objective", "roi", "-n", "2", "-j", "1").stdout.decode()
    header = next(line for line in out.splitlines() if line.startswith("rank"))
    assert header.split() == ["rank", "scenario", "cost", "roi", "change", "verdict"]


def test_the_readme_says_how_git_finds_cxjourney() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Co-creating in git", 1)[1].split("\n## ", 1)[0]
    assert "PATH" in section and "pipx install" in section
    assert '.venv/bin/cxjourney diff"' in section
