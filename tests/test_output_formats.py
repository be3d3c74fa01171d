"""The output's format follows its file name: a suffix picks it, a name without one gets
the --format's suffix, and a view drawn in one format only says which."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import OVERLOADED, run_cli


def test_the_output_file_name_picks_the_format(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED.replace("3 days", "1 day"))
    target = tmp_path / "results.json"
    assert run_cli("simulate", str(path), "-n", "2", "-j", "1", "-o", str(target)).returncode == 0
    assert json.loads(target.read_text())["replications"] == 2
    table = tmp_path / "results.csv"
    assert run_cli("compare", str(path), "-n", "2", "-j", "1", "-o", str(table)).returncode == 0
    assert table.read_text().startswith("rank,scenario")
    text = tmp_path / "results.txt"
    assert run_cli("simulate", str(path), "-n", "2", "-j", "1", "-o", str(text)).returncode == 0
    assert text.read_text().startswith("Food delivery: 2 replications")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_a_file_name_without_suffix_gets_the_formats(tmp_path: Path, shop: str) -> None:
    done = run_cli("render", shop, "--format", "pdf", "-o", "food_map", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "food_map.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "food_map").exists()


def test_the_curve_names_the_one_format_it_is_drawn_in(tmp_path: Path, shop: str) -> None:
    for name in ("curve.png", "curve.pdf"):
        done = run_cli("render", shop, "--view", "curve", "-o", name, cwd=tmp_path)
        err = done.stderr.decode()
        assert done.returncode == 2 and "SVG only" in err and "-o curve.svg" in err, err
    done = run_cli("render", shop, "--view", "curve", "-o", "curve", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "curve.svg").read_text(encoding="utf-8").rstrip().endswith("</svg>")
