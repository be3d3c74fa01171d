"""The semantic diff: what changed in the model, its spelling, the forecast, git."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from cxjourney import load
from cxjourney.decide.versions import FORECAST_METRICS, forecast
from cxjourney.language import diff as semantic
from cxjourney.language.fmt import format_source
from cxjourney.language.scenarios import apply
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import SPEC_EXAMPLES
from tests.interop.commands import argv, invoke, run

COFFEE = (SPEC_EXAMPLES / "coffee.journey").read_text(encoding="utf-8")
SMALL_COFFEE = COFFEE.replace("customers 2000", "customers 300")  # quick to simulate

BASE = """\
journey "Shop" {
  horizon 26 weeks
  persona a "Regular" {
    share 60%
    arrivals 30 per week
  }
  persona b {
    share 40%
  }
  stage s1 "First" {
    touchpoint t1 "Enter" {
      capacity 2
      service exp(90 s)
      disappointer late "Late" chance 5% impact -2
    }
    touchpoint t2 { }
  }
  stage s2 {
    touchpoint t3 {
      recovers late chance 50%
    }
  }
  scenario x "Fix" {
    cost 40k
    t1.late.chance = 1%
  }
}
"""


def journey(text: str):
    loaded = load("-", data=text.encode("utf-8"))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.journey


def changes(old: str, new: str) -> list[tuple[str, str, str, str | None, str, str]]:
    found = semantic.compare(journey(old), journey(new))
    return [(d.change, d.element, d.key, d.attribute, d.old_text, d.new_text) for d in found]


def edit(*pairs: tuple[str, str], text: str = BASE) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


# ---- what counts as a change ------------------------------------------------------------


def test_the_same_meaning_in_other_words_is_no_change() -> None:
    respelled = edit(
        ("horizon 26 weeks", "horizon 182 d"),
        ("service exp(90 s)", "service exp(1.5 minutes)"),
        ("share 60%", "share 060%"),
    )
    assert changes(BASE, respelled) == []
    assert changes(BASE, format_source(BASE.replace("  ", "\t"))) == []


def test_moving_blocks_and_writing_the_implicit_flow_is_no_change() -> None:
    moved = edit(
        ("  persona b {\n    share 40%\n  }\n", ""),
        (
            "  scenario x",
            "  persona b {\n    share 40%\n  }\n"
            "  flow {\n    t1 -> t2\n    t2 -> t3\n    t3 -> end\n  }\n  scenario x",
        ),
    )
    assert changes(BASE, moved) == []


def test_journey_attributes() -> None:
    new = edit(
        (
            'journey "Shop" {\n  horizon 26 weeks',
            'journey "Shop 2" {\n  horizon 30 weeks\n  currency EUR',
        )
    )
    assert changes(BASE, new) == [
        ("changed", "journey", "journey", "title", '"Shop"', '"Shop 2"'),
        ("changed", "journey", "journey", "horizon", "26 weeks", "30 weeks"),
        ("changed", "journey", "journey", "currency", "USD", "EUR"),
    ]


def test_personas_added_removed_and_changed_share_a_unit() -> None:
    new = edit(
        ("arrivals 30 per week", "arrivals 45 per week\n    patience 4 min"),
        (
            "  persona b {\n    share 40%\n  }",
            '  persona c "New" {\n    share 40%\n    spend 4.50\n  }',
        ),
    )
    assert changes(BASE, new) == [
        ("changed", "persona", "a", "arrivals", "30 per week", "45 per week"),
        ("changed", "persona", "a", "patience", "(unlimited)", "4 min"),
        ("removed", "persona", "b", None, '"b": share 40%', ""),
        ("added", "persona", "c", None, "", '"New": share 40%, spend 4.5'),
    ]


def test_touchpoints_stages_and_their_order() -> None:
    new = edit(
        (
            'touchpoint t1 "Enter" {\n      capacity 2',
            'touchpoint t1 "Enter" {\n      capacity 3\n      delivers 3.5 +- 0.2',
        ),
        ("    touchpoint t2 { }\n", ""),
        ('stage s1 "First"', 'stage s1 "Start"'),
        (
            "  stage s2 {\n    touchpoint t3 {",
            "  stage s2 {\n    touchpoint t2 { }\n    touchpoint t3 {",
        ),
    )
    assert changes(BASE, new) == [
        ("changed", "stage", "s1", "label", '"First"', '"Start"'),
        ("changed", "touchpoint", "t1", "delivers", "(as expected)", "3.5 +- 0.2"),
        ("changed", "touchpoint", "t1", "capacity", "2", "3"),
        ("changed", "touchpoint", "t2", "stage", "s1", "s2"),
    ]
    reordered = edit(
        ("    touchpoint t2 { }\n", ""),
        ("    touchpoint t1", "    touchpoint t2 { }\n    touchpoint t1"),
    )
    found = changes(BASE, reordered)
    assert found[0] == ("changed", "stage", "s1", "touchpoint order", "t1, t2", "t2, t1")
    # without a flow block the written order is the path, so the edges changed too
    assert ("added", "edge", "start -> t2", None, "", "") in found
    assert ("removed", "edge", "t2 -> t3", None, "", "") in found


def test_events_and_recoveries() -> None:
    new = edit(
        (
            'disappointer late "Late" chance 5% impact -2',
            'disappointer late "Late" chance 2% impact -2\n'
            '      delighter wow "Wow" chance 10% impact +1',
        ),
        ("recovers late chance 50%", "recovers t1.late chance 60%"),
    )
    assert changes(BASE, new) == [
        ("changed", "touchpoint", "t3", "recovers", "recovers late chance 50%", ""),
        ("changed", "touchpoint", "t3", "recovers", "", "recovers t1.late chance 60%"),
        ("changed", "event", "t1.late", "chance", "5%", "2%"),
        ("added", "event", "t1.wow", None, "", '"Wow": delighter, chance 10%, impact +1'),
    ]


def test_flow_edges() -> None:
    flow = "  flow {\n    t1 -> t2 70%\n    t1 -> t3\n    t2 -> t3\n    t3 -> end\n  }\n  scenario"
    old = edit(("  scenario", flow))
    new = edit(("t1 -> t2 70%", "t1 -> t2 60%\n    t1 -> t2 90% for a"), text=old)
    assert changes(old, new) == [
        ("changed", "edge", "t1 -> t2", None, "70%", "60%"),
        ("added", "edge", "t1 -> t2 for a", None, "", "90%"),
    ]
    assert changes(BASE, old) == [
        ("changed", "edge", "t1 -> t2", None, "(shares the rest)", "70%"),
        ("added", "edge", "t1 -> t3", None, "", ""),
    ]


def test_scenarios_and_loyalty() -> None:
    new = edit(
        (
            'scenario x "Fix" {\n    cost 40k\n    t1.late.chance = 1%',
            'scenario x "Fix" {\n    cost 45k\n    t1.capacity += 1\n    a.visits = every 3 days',
        ),
        (
            "  }\n}\n",
            "  }\n  scenario y {\n    remove t1.late\n  }\n"
            "  loyalty {\n    negativity 2.5\n    price_churn 4% per month\n  }\n}\n",
        ),
    )
    assert changes(BASE, new) == [
        ("changed", "scenario", "x", "cost", "40k", "45k"),
        ("changed", "scenario", "x", "changes", "t1.late.chance = 1%", ""),
        ("changed", "scenario", "x", "changes", "", "t1.capacity += 1"),
        ("changed", "scenario", "x", "changes", "", "a.visits = every 3 days"),
        ("added", "scenario", "y", None, "", '"y": cost 0; remove t1.late'),
        ("changed", "loyalty", "negativity", None, "2", "2.5"),
        ("changed", "loyalty", "price_churn", None, "5% per month", "4% per month"),
    ]


def test_a_persona_library_against_nothing() -> None:
    library = load(str(SPEC_EXAMPLES / "personas" / "telco.journey")).library
    found = semantic.compare(library, None)
    assert [(d.change, d.element, d.key) for d in found] == [
        ("removed", "persona", "digital"),
        ("removed", "persona", "classic"),
        ("removed", "loyalty", "negativity"),
    ]


# ---- output -------------------------------------------------------------------------------

COFFEE_EDITS = (
    ("capacity 2", "capacity 3"),
    ("chance 5% impact -2", "chance 2% impact -2"),
    ("ad -> counter 70%", "ad -> counter 60%"),
    ("arrivals 30 per week", "arrivals 45 per week"),
    ("    cost 60k", "    cost 65k\n    counter.service = exp(1 min)"),
    (
        '    touchpoint app "',
        '    touchpoint kiosk "Kiosk" {\n      expect 3\n    }\n\n    touchpoint app "',
    ),
    ("    app -> pickup", "    app -> pickup\n    kiosk -> pickup\n    ad -> kiosk 10%"),
)


def test_the_text_for_people(tmp_path: Path) -> None:
    old, new = tmp_path / "old.journey", tmp_path / "new.journey"
    old.write_text(COFFEE)
    new.write_text(edit(*COFFEE_EDITS, text=COFFEE))
    result = invoke("diff", str(old), str(new))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"""\
cxjourney diff {old} {new}
personas
  ~ commuter arrivals: 30 per week → 45 per week
touchpoints
  ~ counter capacity: 2 → 3
  + kiosk "Kiosk": stage order, expect 3
delighters and disappointers
  ~ counter.wrong chance: 5% → 2%
flow
  ~ ad -> counter: 70% → 60%
  + kiosk -> pickup
  + ad -> kiosk 10%
scenarios
  ~ staff cost: 60k → 65k
  ~ staff: + counter.service = exp(1 min)
3 added, 0 removed, 6 changed
"""
    )


def test_json_for_tools_and_exit_codes(tmp_path: Path) -> None:
    old, new = tmp_path / "old.journey", tmp_path / "new.journey"
    old.write_text(COFFEE)
    new.write_text(edit(("capacity 2", "capacity 3"), text=COFFEE))
    result = invoke("diff", str(old), str(new), "--format", "json", "--exit-code")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["format"] == "cxjourney-diff" and document["version"] == 1
    assert document["summary"] == {"added": 0, "removed": 0, "changed": 1}
    assert document["changes"] == [
        {
            "change": "changed",
            "element": "touchpoint",
            "id": "counter",
            "attribute": "capacity",
            "old": 2,
            "new": 3,
            "old_text": "2",
            "new_text": "3",
        }
    ]
    assert invoke("diff", str(old), str(old), "--exit-code").exit_code == 0


def test_a_version_with_errors_exits_2_with_its_diagnostics(tmp_path: Path) -> None:
    old, new = tmp_path / "old.journey", tmp_path / "new.journey"
    old.write_text(COFFEE)
    new.write_text(COFFEE.replace("horizon 26 weeks", "horizon 26 weks"))
    result = invoke("diff", str(old), str(new))
    assert result.exit_code == 2
    assert f"{new}:6:14: error: unknown unit 'weks'" in result.stderr
    assert invoke("diff", str(old)).exit_code == 2  # one version is not enough


# ---- forecast ----------------------------------------------------------------------------


def test_forecast_pairs_replications_like_a_scenario() -> None:
    """The new version is the baseline with a scenario applied: the forecast's change is
    exactly the delta `simulate` reports for that scenario (same seeds, same customers)."""
    base = journey(SMALL_COFFEE)
    horizon = 2 * 7 * 24 * 60.0
    new = apply(replace(base, horizon=horizon), base.scenario("fix_first"))
    prediction = forecast(base, new, RunSpec(seed=7, replications=3, horizon=horizon))
    results = simulate(
        base, RunSpec(seed=7, replications=3, horizon=horizon), scenarios=["fix_first"]
    )
    scenario = results["scenarios"]["fix_first"]
    for metric in FORECAST_METRICS:
        assert prediction["metrics"][metric]["change"] == scenario["delta"][metric]
        assert (
            prediction["metrics"][metric]["old"]
            == results["scenarios"]["baseline"]["metrics"][metric]
        )
    assert prediction["replications"] == 3 and prediction["seed"] == 7


def test_forecast_of_the_same_journey_is_exactly_no_change() -> None:
    base = journey(SMALL_COFFEE)
    prediction = forecast(base, base, RunSpec(replications=2, horizon=7 * 24 * 60.0))
    for entry in prediction["metrics"].values():
        assert entry["change"] == {"mean": 0.0, "low": 0.0, "high": 0.0}


def test_simulate_adds_the_forecast_to_both_outputs(tmp_path: Path) -> None:
    old, new = tmp_path / "old.journey", tmp_path / "new.journey"
    old.write_text(SMALL_COFFEE)
    new.write_text(edit(("chance 5% impact -2", "chance 1% impact -2"), text=SMALL_COFFEE))
    args = (str(old), str(new), "--simulate", "-n", "3", "--horizon", "2 weeks", "--seed", "3")
    text = invoke("diff", *args)
    assert text.exit_code == 0, text.output
    assert "forecast: baseline of each version, 3 replications paired by seed 3" in text.stdout
    rows = {line.split()[0] for line in text.stdout.splitlines() if line.startswith("  ")}
    assert {"NPS", "retention", "revenue"} <= rows
    document = json.loads(invoke("diff", *args, "--format", "json").stdout)
    forecast = document["forecast"]
    assert set(forecast["metrics"]) == {"nps", "retention", "revenue"}
    assert forecast["metrics"]["nps"]["change"]["mean"] > 0  # fewer wrong orders
    assert forecast["horizon_days"] == {"old": 14, "new": 14}


# ---- git ---------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding the broadband example and its persona library, committed
    twice: the second commit adds a call agent and changes the persona shares."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "maps" / "personas").mkdir(parents=True)
    shutil.copy(SPEC_EXAMPLES / "broadband.journey", root / "maps")
    shutil.copy(SPEC_EXAMPLES / "personas" / "telco.journey", root / "maps" / "personas")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    journey_file = root / "maps" / "broadband.journey"
    journey_file.write_text(journey_file.read_text().replace("capacity 12", "capacity 14"))
    library = root / "maps" / "personas" / "telco.journey"
    library.write_text(
        library.read_text().replace("share 55%", "share 50%").replace("share 45%", "share 50%")
    )
    git(root, "commit", "-q", "-am", "second")
    return root


def test_revisions_are_read_from_git_with_the_files_they_use(repo: Path) -> None:
    result = run("diff", "HEAD~1:maps/broadband.journey", "HEAD:maps/broadband.journey", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "~ call capacity: 12 → 14" in out
    assert "~ digital share: 55% → 50%" in out  # from the library at each revision
    relative = run("diff", "HEAD~1:./broadband.journey", "broadband.journey", cwd=repo / "maps")
    assert relative.stdout.decode() == out.replace(
        "HEAD~1:maps/broadband.journey HEAD:maps/broadband.journey",
        "HEAD~1:./broadband.journey broadband.journey",
    )


def test_an_unknown_revision_or_path_exits_2(repo: Path) -> None:
    for spec in ("HEAD~5:maps/broadband.journey", "HEAD:maps/nothing.journey"):
        result = run("diff", spec, "maps/broadband.journey", cwd=repo)
        assert result.returncode == 2
        assert spec in result.stderr.decode()


def test_works_as_a_git_diff_driver(repo: Path) -> None:
    (repo / ".gitattributes").write_text("*.journey diff=journey\n")
    driver = f"diff.journey.command={shlex.join(argv('diff'))}"
    between = git(repo, "-c", driver, "diff", "HEAD~1", "HEAD", "--", "maps")
    assert "cxjourney diff a/maps/broadband.journey b/maps/broadband.journey" in between
    assert "~ call capacity: 12 → 14" in between
    assert "cxjourney diff a/maps/personas/telco.journey b/maps/personas/telco.journey" in between
    assert "~ classic share: 45% → 50%" in between
    # the working tree against the index, from a subdirectory, with a new and a broken file
    journey_file = repo / "maps" / "broadband.journey"
    journey_file.write_text(journey_file.read_text().replace("customers 5000", "customers 6000"))
    (repo / "maps" / "new.journey").write_text(COFFEE)
    git(repo, "add", "-N", "maps/new.journey")
    (repo / "maps" / "broken.journey").write_text("persona {\n")
    git(repo, "add", "-N", "maps/broken.journey")
    worktree = git(repo / "maps", "-c", driver, "diff")
    assert "~ customers: 5000 → 6000" in worktree
    assert "+ commuter" in worktree and "a/maps/new.journey" in worktree
    assert "(a version has errors; showing the text diff)" in worktree
    assert "+persona {" in worktree


def test_git_driver_arguments_for_added_and_renamed_files(tmp_path: Path) -> None:
    new = tmp_path / "new.journey"
    new.write_text(BASE)
    added = invoke("diff", "maps/shop.journey", "/dev/null", ".", ".", str(new), "abc", "100644")
    assert added.exit_code == 0
    assert added.stdout.startswith("cxjourney diff a/maps/shop.journey b/maps/shop.journey\n")
    assert "  + t1 " in added.stdout and "added, 0 removed, 0 changed" in added.stdout
    old = tmp_path / "old.journey"
    old.write_text(BASE)
    renamed = invoke(
        "diff",
        "a.journey",
        str(old),
        "abc",
        "100644",
        str(new),
        "def",
        "100644",
        "b.journey",
        "similarity index 100%",
    )
    assert renamed.stdout == "cxjourney diff a/a.journey b/b.journey\nno semantic changes\n"
