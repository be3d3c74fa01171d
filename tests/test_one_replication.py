"""One replication: said in the singular, and means given without intervals or verdicts."""

from __future__ import annotations

import json

from tests.conftest import OVERLOADED, run_cli


def test_one_replication_is_singular(shop: str) -> None:
    out = run_cli("simulate", shop, "-n", "1", "-j", "1").stdout.decode()
    assert out.startswith("Shop: 1 replication, seed 1")
    compared = run_cli("compare", shop, "-n", "1", "-j", "1").stdout.decode()
    assert "1 replications" not in compared and "1 replication," in compared


def test_one_replication_prints_means_without_intervals_or_verdicts(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED.replace("horizon 3 days", "horizon 1 day"))
    results = json.loads(
        run_cli("simulate", str(path), "-n", "1", "-j", "1", "--format", "json").stdout
    )
    for entry in results["scenarios"].values():
        for value in entry["metrics"].values():
            assert value["low"] is None and value["high"] is None
    delta = results["scenarios"]["second"]["delta"]["abandonment"]
    assert delta["mean"] < 0 and delta["low"] is None
    table = run_cli("simulate", str(path), "-n", "1", "-j", "1").stdout.decode()
    assert "1 replication," in table and "no interval and no verdict" in table
    for word in ("higher", "lower", "better", "worse", "not distinguishable", "["):
        assert word not in table, word
    ranked = run_cli("compare", str(path), "-n", "1", "-j", "1", "--objective", "satisfaction")
    text = ranked.stdout.decode()
    assert "no interval" in text and "better" not in text and "[" not in text
