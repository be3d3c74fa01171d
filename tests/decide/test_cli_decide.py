"""The decision commands as users run them (click's runner; same code as the binary)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cxjourney.cli.decide import compare, drivers, optimize, parse_budget
from cxjourney.results import validate
from tests.conftest import SPEC_EXAMPLES, run_cli
from tests.decide.cases import LOSS_AVERSION, SHOP

COFFEE = str(SPEC_EXAMPLES / "coffee.journey")
QUICK = ["-n", "2", "--seed", "3", "--quiet", "-j", "1"]  # one process: no pool to start


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    for name, text in (("shop", SHOP), ("flip", LOSS_AVERSION)):
        path = tmp_path / f"{name}.journey"
        path.write_text(text.lstrip("\n"), encoding="utf-8")
        out[name] = str(path)
    return out


def invoke(command: click.Command, *args: str):
    result = CliRunner().invoke(command, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.mark.parametrize(
    ("text", "amount"),
    [("100k", 1e5), ("1.5M", 1.5e6), ("2m", 2e6), ("250000", 2.5e5), ("250,000", 2.5e5), ("0", 0)],
)
def test_budgets_are_read_as_people_write_them(text: str, amount: float) -> None:
    assert parse_budget(text) == amount


@pytest.mark.parametrize("text", ["", "lots", "-5", "1e5", "k", "10 kk", "1.5.2M"])
def test_a_bad_budget_is_refused_with_exit_2(text: str) -> None:
    result = invoke(optimize, COFFEE, "--budget", text)
    assert result.exit_code == 2
    assert "Invalid value for '--budget'" in result.output


def test_compare_json_is_the_results_contract_with_a_ranking(files) -> None:
    result = invoke(
        compare, files["shop"], "--format", "json", "--objective", "satisfaction", *QUICK
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    validate(doc)
    assert doc["objective"] == "satisfaction"
    first = doc["ranking"][0]
    assert first["scenario"] == "big"
    assert set(first) >= {"rank", "scenario", "label", "cost", "effect", "roi", "verdict", "lead"}


def test_compare_with_sensitivity_reports_the_flip(files, tmp_path: Path) -> None:
    out = tmp_path / "ranking.json"
    result = invoke(
        compare, files["flip"], "--sensitivity", "--format", "json", "-o", str(out), *QUICK
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    for sid in ("remove_loss", "add_gain"):
        sens = doc["scenarios"][sid]["sensitivity"]
        assert set(sens) == {"low", "high", "rank_holds"}
        assert sens["rank_holds"] is False
    table = invoke(compare, files["flip"], "--sensitivity", *QUICK).output
    assert "The ranking is NOT robust" in table
    csv_text = invoke(compare, files["flip"], "--sensitivity", "--format", "csv", *QUICK).output
    assert csv_text.splitlines()[1].endswith(",false")


def test_compare_refuses_an_unknown_scenario(files) -> None:
    result = invoke(compare, files["shop"], "--scenario", "bigg", *QUICK)
    assert result.exit_code == 2
    assert "no scenario 'bigg'" in result.output and "did you mean 'big'" in result.output


def test_drivers_table_and_csv(files) -> None:
    table = invoke(drivers, files["shop"], *QUICK)
    assert table.exit_code == 0, table.output
    assert "Drivers of nps" in table.output and "By owner" in table.output
    csv_text = invoke(drivers, files["shop"], "--lever", "disappointers", "--format", "csv", *QUICK)
    rows = csv_text.output.splitlines()
    assert len(rows) == 1 + 3 + 2  # header, touchpoints, owners
    # only a has a disappointer: halving it is the only change anywhere
    effects = {r.split(",")[2]: float(r.split(",")[4]) for r in rows[1:4]}
    assert effects["b"] == 0.0 and effects["c"] == 0.0 and effects["a"] > 0
    roi = invoke(drivers, files["shop"], "--objective", "roi", *QUICK)
    assert roi.exit_code == 2


def test_optimize_json_has_the_chosen_set_within_budget(files) -> None:
    result = invoke(optimize, files["shop"], "--budget", "80k", "--format", "json", *QUICK)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["chosen"] == ["big", "small_c"]
    assert doc["budget"] == 80_000 and doc["cost"] == 80_000
    assert set(doc["effect"]) == {"mean", "low", "high"}
    table = invoke(optimize, files["shop"], "--budget", "80,000", *QUICK).output
    assert "chosen: big + small_c (cost 80,000)" in table
    assert "runners-up" in table


# ---- in a subprocess, on tests/conftest.py's shop ----------------------------------------


def test_compare_by_roi_prints_the_roi_once(shop: str) -> None:
    out = run_cli("compare", shop, "--objective", "roi", "-n", "2", "-j", "1").stdout.decode()
    header = next(line for line in out.splitlines() if line.startswith("rank"))
    assert header.split() == ["rank", "scenario", "cost", "roi", "change", "verdict"]
