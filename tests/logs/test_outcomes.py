"""Outcomes: read survey answers and churn; fit the loyalty parameters they identify."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cxjourney.language.load import load
from cxjourney.logs.outcomes import OutcomeError, fit_outcomes, read_outcomes
from tests.logs.helpers import LOOP


def survey(path: Path) -> Path:
    """1,000 answers shaped like the loop journey simulated with noise 2.5 (13% promoters,
    36% detractors, mean 6.9) and 20% churn."""
    scores = [9] * 90 + [10] * 38 + [7] * 255 + [8] * 256 + [6] * 200 + [5] * 100 + [3] * 61
    rng = random.Random(1)
    rng.shuffle(scores)
    rows = ["customer,date,nps,churned"]
    for i, s in enumerate(scores):
        rows.append(f"c{i},2024-02-{1 + i % 28:02d},{s},{'yes' if rng.random() < 0.205 else 'no'}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_latest_answer_per_customer_and_satisfaction_scale(tmp_path: Path):
    f = tmp_path / "o.csv"
    f.write_text("customer,date,satisfaction\na,2024-01-01,1\na,2024-03-01,5\nb,2024-01-01,3\n")
    outcomes = read_outcomes(str(f))
    assert sorted(outcomes.scores) == [5.0, 10.0]  # 1..5 put on 0..10; a's latest answer
    assert outcomes.churned is None
    targets = outcomes.targets()
    assert targets["promoters"][0] == 0.5 and targets["detractors"][0] == 0.5


def test_bad_outcomes_name_the_line(tmp_path: Path):
    f = tmp_path / "o.csv"
    f.write_text("customer,nps\na,11\n")
    with pytest.raises(OutcomeError, match=r"o\.csv:2: score 11 is outside 0\.\.10"):
        read_outcomes(str(f))
    f.write_text("who,nps\na,7\n")
    with pytest.raises(OutcomeError, match="no customer column"):
        read_outcomes(str(f))


@pytest.mark.slow
def test_fit_moves_noise_to_the_truth_and_reports_the_rest(tmp_path: Path):
    outcomes = read_outcomes(str(survey(tmp_path / "survey.csv")))
    fit = fit_outcomes(LOOP.read_text(), outcomes, seed=7, replications=4)
    was, now, se = fit.fitted["noise"]
    assert was == 1.5 and abs(now - 2.5) < max(3 * se, 0.4)
    assert "smoothing" in fit.unidentified
    loaded = load("-", data=fit.source.encode(), name="fitted.journey")
    assert loaded.ok and loaded.journey.loyalty.noise == pytest.approx(now, rel=1e-3)
    assert "# calibrated: n=1000" in fit.source
