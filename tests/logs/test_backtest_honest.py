"""The honest backtest's parts: every replication read, intervals from theory, quantities
the map fixes left out."""

from __future__ import annotations

import math
from pathlib import Path

from cxjourney.logs.backtest import Measure, _quantity, backtest, forced
from cxjourney.logs.intervals import jeffreys, new_draw, share_prediction, wilson
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from tests.conftest import run_cli
from tests.logs.helpers import LOOP, journey_of
from tests.logs.test_conform_precision import write


def test_every_replication_is_read(loop_log: Path):
    """With one replication read, -n 2 and -n 4 forecast the same numbers; each run of
    the forecast is read here, so the means over 2 and over 4 draws differ."""
    journey = journey_of(LOOP)
    log = read_log(str(loop_log))
    mapping = map_activities(journey, log.activities())

    def forecasts(n: int) -> dict[str, float]:
        result = backtest(journey, LOOP.read_text(), log, mapping, "0.5", replications=n)
        assert result.replications == n
        return {q.name: q.forecast for q in result.quantities}

    two, four = forecasts(2), forecasts(4)
    assert two["cases"] != four["cases"]
    assert sum(two[k] != four[k] for k in two) >= len(two) - 2


def test_new_draw_by_hand():
    """Draws 1, 2, 3: mean 2, sd 1, t(2, 97.5%) = 4.3027; half = 4.3027·√(4/3) = 4.9683."""
    mean, low, high = new_draw([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert math.isclose(high - mean, 4.302653 * math.sqrt(4 / 3), rel_tol=1e-5)
    assert math.isclose(mean - low, high - mean)


def test_share_intervals_by_hand():
    """Wilson, 0 of 10: [0, z²/(n+z²)] = [0, 3.8416/13.8416] = [0, 0.2775].
    Jeffreys, 0 of 10: [0, Beta(0.5, 10.5) 97.5% quantile] = [0, 0.2172] (Brown, Cai &
    DasGupta 2001, Table 5 rounds it to 0.217)."""
    low, high = wilson(0, 10)
    assert low == 0.0 and math.isclose(high, 3.8416 / 13.8416, rel_tol=1e-9)
    low, high = jeffreys(0, 10)
    assert low == 0.0 and abs(high - 0.2172) < 5e-4


def test_a_share_at_zero_can_miss():
    """Trained 0 of 400, every replication 0: no spread between replications, so the
    interval is the beta-binomial prediction for 300 later cases from Jeffreys'
    Beta(0.5, 400.5): its mean share is 0.5/401 = 0.12%, its 97.5% quantile a few cases
    of 300. A later share of 5% misses; 0 is covered."""
    trained = Measure(0.0, 0.0, 400)
    runs = [Measure(0.0, 0.0, 290), Measure(0.0, 0.0, 310), Measure(0.0, 0.0, 305)]
    miss = _quantity("reach x", Measure(0.05, 0.05, 300), trained, runs)
    assert miss is not None and miss.method == "jeffreys"
    assert miss.low == 0.0 and 0 < miss.high < 0.03 and not miss.covered
    hit = _quantity("reach x", Measure(0.0, 0.0, 300), trained, runs)
    assert hit is not None and hit.covered
    assert share_prediction(0, 400, 300)[1] == miss.high
    seen_before = _quantity("path p", Measure(0.02, 0.02, 300), Measure(0.06, 0.06, 400), runs)
    assert seen_before is not None and seen_before.low == 0.0 == seen_before.forecast


def test_quantities_fixed_by_the_map_are_left_out(tmp_path: Path):
    """The three-touchpoint map starts only at a, and b and c both lead to end: every
    case reaches a and completes, whatever the numbers."""
    journey_path, _ = write(tmp_path, [["a", "b"]])
    fixed = forced(journey_of(journey_path))
    assert set(fixed) == {"completion", "reach a"}
    assert forced(journey_of(LOOP)) == {}  # exits and two starts: nothing is fixed


def test_cli_table_shows_units_and_what_is_left_out(tmp_path: Path):
    cases = [["a", "b"], ["a", "c"], ["a", "b", "c"]] * 30
    write(tmp_path, [])
    lines = ["case,activity,timestamp"]
    for i, steps in enumerate(cases):
        day = 1 + i // 10
        lines += [f"k{i},{s},2024-01-{day:02d}T{8 + i % 10:02d}:{m:02d}:00"
                  for m, s in enumerate(steps)]  # fmt: skip
    (tmp_path / "log.csv").write_text("\n".join(lines) + "\n")
    done = run_cli("backtest", "three.journey", "log.csv", "--split", "0.5", "-n", "3",
                   cwd=tmp_path)  # fmt: skip
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "left out, covered by construction:" in out
    assert "completion: every touchpoint a case can stop at leads to end" in out
    assert "reach a: every path of the map passes a" in out
    assert "% " in out and " min" in out and " cases " in out  # units a person reads


def test_long_paths_are_shortened_in_the_table_only():
    from cxjourney.logs.backtest import Backtest, Quantity, table

    long_a = "path " + " > ".join(
        ["first_step_of_many"] + [f"middle_{i}" for i in range(5)] + ["last"]
    )
    long_b = long_a.replace("middle_2", "other_2")  # alike at both ends, same length
    one = Backtest(0.0, 10, 10, 2, [Quantity(long_a, 0.1, 0.1, 0.0, 0.2, 10)])
    assert "path first_step_of_many > (5 more) > last" in table(one)
    assert long_a not in table(one) and one.as_dict()["quantities"][0]["quantity"] == long_a
    two = Backtest(0.0, 10, 10, 2, [Quantity(n, 0.1, 0.1, 0.0, 0.2, 10) for n in (long_a, long_b)])
    assert long_a in table(two) and long_b in table(two)  # shortened, they would read alike
