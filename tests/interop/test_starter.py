"""`cxjourney init`: a starter journey that teaches the language, checks and simulates."""

from __future__ import annotations

from pathlib import Path

from cxjourney import load
from cxjourney.language.fmt import format_source
from cxjourney.sim.experiment import RunSpec, simulate
from cxjourney.starter import starter_journey
from tests.conftest import run_cli
from tests.interop.commands import invoke, run


def test_init_writes_a_starter_that_checks_and_simulates(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "maps"))
    assert result.exit_code == 0, result.output
    target = tmp_path / "maps" / "starter.journey"
    assert result.stdout.splitlines() == [
        f"created {target}",
        "next:",
        f"  cxjourney check {target}",
        f"  cxjourney simulate {target}",
    ]
    loaded = load(str(target))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    results = simulate(loaded.journey, RunSpec(replications=2, horizon=4 * 7 * 24 * 60.0))
    assert set(results["scenarios"]) == {"baseline", *(s.id for s in loaded.journey.scenarios)}


def test_the_starter_uses_what_a_first_map_needs() -> None:
    journey = load("-", data=starter_journey().encode()).journey
    assert len(journey.personas) >= 2
    assert any(t.capacity and t.service and t.max_wait for t in journey.touchpoints)
    kinds = {e.kind for t in journey.touchpoints for e in t.events}
    assert kinds == {"delighter", "disappointer"}
    assert any(t.recovers for t in journey.touchpoints)
    assert any(t.moment_of_truth for t in journey.touchpoints)
    assert journey.flow and any(e.persona for e in journey.flow)
    assert {e.target for e in journey.flow} >= {"end", "exit"}
    changes = {c.kind for s in journey.scenarios for c in s.changes}
    assert changes == {"set", "add", "flow"}
    assert {c.op for s in journey.scenarios for c in s.changes if c.kind == "set"} >= {"=", "+="}
    assert journey.loyalty.memory == "peak_end"


def test_the_starter_teaches_in_comments_and_is_already_formatted() -> None:
    text = starter_journey("coffee.journey")
    assert format_source(text) == text
    assert "cxjourney check coffee.journey" in text
    commented = [line for line in text.splitlines() if "#" in line]
    assert len(commented) >= 25


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "starter.journey"
    target.write_text("my own work")
    refused = invoke("init", str(tmp_path))
    assert refused.exit_code == 2
    assert "exists; use --force" in refused.stderr
    assert target.read_text() == "my own work"
    assert invoke("init", str(tmp_path), "--force").exit_code == 0
    assert target.read_text() == starter_journey(str(target))


def test_init_names_the_file(tmp_path: Path) -> None:
    assert invoke("init", str(tmp_path), "--name", "coffee").exit_code == 0
    text = (tmp_path / "coffee.journey").read_text()
    assert text == starter_journey(str(tmp_path / "coffee.journey"))
    assert invoke("init", str(tmp_path), "--name", "../escape").exit_code == 2


def test_in_a_subprocess_then_check_and_simulate_as_printed(tmp_path: Path) -> None:
    done = run("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert run_cli("check", "starter.journey", cwd=tmp_path).returncode == 0
    simulated = run_cli(
        "simulate", "starter.journey", "-n", "2", "--horizon", "2 weeks", "--quiet", cwd=tmp_path
    )
    assert simulated.returncode == 0, simulated.stderr.decode()
    assert b"Bike repair" in simulated.stdout


def test_the_starter_round_trips_through_the_printer() -> None:
    """Kept as a template for its comments, the starter is still what the printer writes."""
    from cxjourney.language.printer import print_journey
    from cxjourney.model import to_plain

    journey = load("-", data=starter_journey().encode()).journey
    printed = print_journey(journey, always=("touchpoint.expect",))
    again = load("-", data=printed.encode()).journey
    assert to_plain(again) == to_plain(journey)
    assert format_source(printed) == printed
