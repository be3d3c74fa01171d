"""`cxjourney diff --format markdown`: the pull-request comment, against golden files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cxjourney import load
from cxjourney.language import diff as semantic
from cxjourney.render.diff_markdown import SHOWN_CHANGES, comment, verdict_of
from tests.conftest import JOURNEYS, ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"
HOTEL = (JOURNEYS / "hotel_stay.journey").read_text(encoding="utf-8")
# The pull request: a third desk agent, rooms ready more often, a cheaper breakfast scenario.
CHANGED = (
    HOTEL.replace("      capacity 2\n      service 6 min", "      capacity 3\n      service 6 min")
    .replace('"Room not ready at 3 pm" chance 12%', '"Room not ready at 3 pm" chance 4%')
    .replace("    cost 90k", "    cost 60k")
)


def golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def interval(mean: float, half: float) -> dict[str, float]:
    return {"mean": mean, "low": mean - half, "high": mean + half}


PREDICTION = {
    "seed": 1,
    "replications": 10,
    "horizon_days": {"old": 365, "new": 365},
    "currency": {"old": "EUR", "new": "EUR"},
    "metrics": {
        "nps": {
            "old": interval(21.4, 1.9),
            "new": interval(24.0, 1.8),
            "change": interval(2.6, 0.7),
        },
        "retention": {
            "old": interval(0.912, 0.004),
            "new": interval(0.915, 0.004),
            "change": interval(0.003, 0.005),
        },
        "revenue": {
            "old": interval(1_250_400, 30_000),
            "new": interval(1_262_900, 30_000),
            "change": interval(12_500, 4_000),
        },
    },
}


def ranking(*rows: tuple[str, float]) -> list[dict]:
    return [
        {"scenario": name, "rank": i, "effect": interval(effect, 0.5), "verdict": "better"}
        for i, (name, effect) in enumerate(rows, 1)
    ]


RANKINGS = {
    "objective": "nps",
    "currency": "EUR",
    "old": ranking(("fix_first", 3.1), ("salient", 2.2), ("breakfast", 1.4), ("digital", 0.4)),
    "new": ranking(("salient", 2.3), ("breakfast", 1.5), ("fix_first", 1.2), ("digital", 0.5)),
}


def versions():
    return load("-", data=HOTEL.encode()).journey, load("-", data=CHANGED.encode()).journey


def test_comment_with_a_forecast_is_golden() -> None:
    old, new = versions()
    text = comment(
        "main:journeys/hotel_stay.journey",
        "journeys/hotel_stay.journey",
        semantic.compare(old, new),
        PREDICTION,
        RANKINGS,
        (old, new),
    )
    golden("diff_forecast.md", text)
    first = text.split("\n\n")[2]
    assert first.startswith("**🟢 Verdict: better**")  # the verdict comes first
    assert "`fix_first` | 1 | 3 |" in text  # its ranking moved
    assert "`digital`" not in text  # its ranking did not


def test_verdicts() -> None:
    def with_changes(nps, retention, revenue):
        metrics = {
            "nps": {"change": nps},
            "retention": {"change": retention},
            "revenue": {"change": revenue},
        }
        return verdict_of({"metrics": metrics})[0]

    up, down, flat = interval(2, 1), interval(-2, 1), interval(0, 1)
    assert with_changes(up, flat, flat) == "better"
    assert with_changes(flat, down, flat) == "worse"
    assert with_changes(up, flat, down) == "mixed"
    assert with_changes(flat, flat, flat) == "not distinguishable"
    single = {"mean": 2.0, "low": None, "high": None}  # one replication: no interval
    assert with_changes(single, flat, flat) == "not distinguishable"


def test_map_changes_only_without_simulate_is_golden(tmp_path: Path) -> None:
    (tmp_path / "old.journey").write_text(HOTEL, encoding="utf-8")
    (tmp_path / "new.journey").write_text(CHANGED, encoding="utf-8")
    result = run_cli("diff", "old.journey", "new.journey", "--format", "markdown", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    golden("diff_map.md", text)
    assert "Verdict" not in text and "forecast" not in text


def test_long_lists_fold(tmp_path: Path) -> None:
    renamed = HOTEL
    for tp in ("booking", "precheck", "desk", "room", "fix", "review", "checkout"):
        renamed = renamed.replace(f" {tp} ", f" {tp}_2 ").replace(f" {tp}\n", f" {tp}_2\n")
    old = load("-", data=HOTEL.encode()).journey
    new = load("-", data=renamed.encode()).journey
    found = semantic.compare(old, new)
    assert len(found) > SHOWN_CHANGES
    text = comment("a", "b", found)
    shown, folded = text.split("<details>")
    assert shown.count("\n- ") == SHOWN_CHANGES
    assert f"{len(found) - SHOWN_CHANGES} more changes</summary>" in folded


def test_no_semantic_change(tmp_path: Path) -> None:
    (tmp_path / "a.journey").write_text(HOTEL, encoding="utf-8")
    (tmp_path / "b.journey").write_text(HOTEL.replace("  horizon", "  # longer\n  horizon"))
    result = run_cli("diff", "a.journey", "b.journey", "--format", "markdown", cwd=tmp_path)
    assert "no semantic changes" in result.stdout.decode()


@pytest.mark.slow
def test_simulated_comment_agrees_with_the_json_forecast(tmp_path: Path) -> None:
    small = HOTEL.replace("customers 3000", "customers 200")
    (tmp_path / "old.journey").write_text(small, encoding="utf-8")
    (tmp_path / "new.journey").write_text(CHANGED.replace("customers 3000", "customers 200"))
    args = ("diff", "old.journey", "new.journey", "--simulate", "-n", "2", "--horizon", "1 week")
    markdown = run_cli(*args, "--format", "markdown", cwd=tmp_path)
    assert markdown.returncode == 0, markdown.stderr
    text = markdown.stdout.decode()
    document = json.loads(run_cli(*args, "--format", "json", cwd=tmp_path).stdout)
    nps = document["forecast"]["metrics"]["nps"]["change"]
    assert f"**{nps['mean']:+.1f} [{nps['low']:+.1f}, {nps['high']:+.1f}]**" in text
    assert "Verdict:" in text and "What changed in the map" in text
    assert "Scenarios" in text
    assert "2 replications, seed 1, 7 days" in text
    again = run_cli(*args, "--format", "markdown", cwd=tmp_path)
    assert again.stdout == markdown.stdout  # deterministic


#: A walk-in clinic: every patient comes once, so no one present at the start can leave.
WALK_IN = """\
journey "Walk-in clinic" {
  horizon 2 weeks
  customers 200
  persona patient "Patient" {
    share 100%
  }
  stage s {
    touchpoint triage "Triage" {
      expect 4
      delivers 3.5 +- 0.5
    }
  }
}
"""


def test_a_retention_it_cannot_compute_gets_a_reason_not_a_verdict(tmp_path: Path) -> None:
    (tmp_path / "old.journey").write_text(WALK_IN, encoding="utf-8")
    (tmp_path / "new.journey").write_text(WALK_IN.replace("delivers 3.5", "delivers 4.5"))
    args = ("old.journey", "new.journey", "--simulate", "--format", "markdown")
    result = run_cli("diff", *args, "-j", "1", "-n", "2", "--horizon", "2 weeks", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [r for r in result.stdout.decode().splitlines() if r.startswith("| retention |")]
    assert rows == [
        "| retention | n/a | n/a | **n/a** | — no retention: every customer makes one journey "
        "(no `visits every`), so none can leave |"
    ]


def test_a_metric_missing_on_one_side_says_which() -> None:
    old, new = versions()
    prediction = json.loads(json.dumps(PREDICTION))
    none = {"mean": None, "low": None, "high": None}
    prediction["metrics"]["retention"] = {"old": interval(0.9, 0.01), "new": none, "change": none}
    prediction["metrics"]["nps"]["change"] = {"mean": 2.6, "low": None, "high": None}
    overall, each = verdict_of(prediction)
    assert each["retention"] == "no value" and each["nps"] == "no interval"
    assert overall == "better"  # revenue's verdict; the others have none
    text = comment("a", "b", [], prediction, None, (old, new))
    row = next(r for r in text.splitlines() if r.startswith("| retention |"))
    assert row.endswith(
        "| — no retention: in the new version, no customer present at the start "
        "makes repeat visits |"
    )
    assert "| — no verdict: no interval at 10 replications |" in text
    assert "not distinguishable" not in text
    everything_missing = json.loads(json.dumps(prediction))
    for metric in ("nps", "revenue"):
        everything_missing["metrics"][metric]["change"] = none
    assert verdict_of(everything_missing)[0] == "no verdict"


def test_roi_rankings_are_percentages_as_in_the_tables() -> None:
    """ROI 0.5 is +50%, spelled as `compare` spells it (`table.fmt_roi`), not +0.5."""
    rankings = {
        "objective": "roi",
        "currency": "EUR",
        "old": [
            {"scenario": "a", "rank": 1, "effect": interval(0.5, 0.25), "verdict": "better"},
            {"scenario": "b", "rank": 2, "effect": interval(-0.8, 0.1), "verdict": "worse"},
        ],
        "new": [
            {"scenario": "b", "rank": 1, "effect": interval(1.2, 0.1), "verdict": "better"},
            {"scenario": "a", "rank": 2, "effect": interval(0.5, 0.25), "verdict": "better"},
        ],
    }
    text = comment("a", "b", [], None, rankings)
    assert "**Scenarios whose ranking changed** (by effect on ROI)" in text
    assert "| `b` | 2 | 1 | -80% [-90%, -70%] | +120% [+110%, +130%] |" in text
    assert "| `a` | 1 | 2 | +50% [+25%, +75%] | +50% [+25%, +75%] |" in text


def test_the_comment_leads_with_whether_the_best_scenario_pays_for_itself() -> None:
    """The new version's best scenario pays back in 2.5 months (2.2 to 2.9): said first."""
    paid = {
        "cost": 100.0,
        "pays_back": True,
        "months": {"mean": 2.5, "low": 2.2, "high": 2.9},
        "projected_months": None,
    }
    later = {"cost": 100.0, "pays_back": False, "months": {}, "projected_months": 14.0}
    rankings = {
        "objective": "nps",
        "currency": "EUR",
        "horizon_days": 90,
        "old": [{"scenario": "a", "rank": 1, "effect": interval(2, 1), "verdict": "better"}],
        "new": [
            {"scenario": "a", "rank": 1, "effect": interval(2, 1), "verdict": "better",
             "payback": paid, "delta": {}},
            {"scenario": "b", "rank": 2, "effect": interval(1, 1), "verdict": "better",
             "payback": later, "delta": {}},
        ],
    }  # fmt: skip
    text = comment("a", "b", [], None, rankings)
    first = text.split("\n\n")[2]
    assert first == (
        "**Money first:** Recommended: a pays for itself in 2.5 months (95%: 2.2 to 2.9 "
        "months), within the horizon of 90 days."
    )
