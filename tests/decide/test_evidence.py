"""Effects held to evidence: `check` warns on a delighter most customers get.

A delighter is a surprise (Kano's attractive quality, docs/model.md): above a 50% chance
the typical customer gets it, so it is an expectation. A warning, not an error: the file
still checks (exit 0) and simulates.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

JOURNEY = """journey "T" {{
  persona p {{
    share 100%
  }}
  stage s {{
    touchpoint t {{
      delighter gift "Gift" chance {chance} impact +1
    }}
  }}
  scenario more "More gifts" {{
    cost 1k
    t.gift.chance = {scenario}
  }}
}}
"""


def check(tmp_path: Path, chance: str, scenario: str = "10%") -> tuple[int, str]:
    path = tmp_path / "t.journey"
    path.write_text(JOURNEY.format(chance=chance, scenario=scenario), encoding="utf-8")
    done = run_cli("check", str(path))
    return done.returncode, done.stdout.decode()


def test_a_delighter_every_customer_gets_is_warned_at_its_line(tmp_path: Path) -> None:
    code, out = check(tmp_path, "100%")
    assert code == 0
    assert (
        f"{tmp_path / 't.journey'}:7:17: warning: delighter 'gift' happens to every customer "
        "(chance 100%)"
    ) in out
    assert "^" in out and "hint: raise the touchpoint's delivers" in out


def test_most_customers_is_above_half(tmp_path: Path) -> None:
    assert "most customers (chance 60%)" in check(tmp_path, "60%")[1]
    assert "warning" not in check(tmp_path, "50%")[1]


def test_a_scenario_that_makes_a_delight_common_is_warned_at_its_change(tmp_path: Path) -> None:
    code, out = check(tmp_path, "10%", "80%")
    assert code == 0
    assert ":12:5: warning: scenario 'more': delighter 'gift' happens to most customers" in out


def test_compare_flags_an_effect_beyond_the_evidence_and_names_its_driver() -> None:
    """Raising a's delivery by 1.5 removes most of its 30% broken-item losses' pull and
    moves NPS by far more than 10 points; the tiny change at b cannot be what drives it."""
    from cxjourney.decide import compare
    from cxjourney.render import decisions_text
    from cxjourney.sim.experiment import RunSpec
    from tests.decide.cases import SHOP, journey

    text = SHOP.replace("customers 1500", "customers 300").replace(
        '  scenario nothing "A placeholder" {',
        '  scenario both "a and b" {\n    cost 1k\n    b.delivers += 0.1\n    a.delivers += 1.5\n'
        '  }\n  scenario nothing "A placeholder" {',
    )
    results, _ = compare.compare(journey(text), RunSpec(seed=3, replications=3))
    rows = {row["scenario"]: row for row in results["ranking"]}
    assert rows["both"]["evidence"]["driver"] == "a.delivers += 1.5"
    assert rows["both"]["evidence"]["without"] < 10
    assert rows["big"]["evidence"]["driver"] == "a.delivers += 1.5"
    for quiet in ("small_b", "nothing"):
        assert "evidence" not in rows[quiet]
    words = decisions_text.compare_text(results)
    assert "check the evidence: both moves NPS by +" in words
    assert "the number that drives it: a.delivers += 1.5 (without it, +" in words
