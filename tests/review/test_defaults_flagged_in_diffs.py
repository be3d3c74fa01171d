"""A change forecast on a journey whose experience comes from the model's defaults (no
`delivers`, events or `max_wait`, as a map discovered from a log without ratings) says
so in `diff --simulate` and in the pull-request comment, as `simulate` does."""

from __future__ import annotations

from dataclasses import replace

from cxjourney.decide.versions import forecast
from cxjourney.language.load import load
from cxjourney.render.diff_markdown import comment
from cxjourney.render.forecast_text import forecast_lines
from cxjourney.sim.spec import RunSpec

TEXT = """journey "No ratings" {
  horizon 2 weeks
  customers 40
  persona p "P" {
    share 100%
  }
  stage s "Steps" {
    touchpoint apply "Applies" { }
    touchpoint letter "Gets a letter" { }
  }
}
"""
SPEC = RunSpec(seed=1, replications=2)


def _journey(text: str):
    loaded = load("x.journey", data=text.encode())
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.journey


def test_a_forecast_from_defaults_is_marked_in_the_text_and_the_comment():
    old = _journey(TEXT)
    new = replace(old, customers=50)
    prediction = forecast(old, new, SPEC)
    assert prediction["assumed"][0]["metrics"][:2] == ["satisfaction", "nps"]
    lines = forecast_lines(prediction)
    assert any(line.split()[:2] == ["NPS", "*"] for line in lines)
    assert lines[-1].startswith("* NPS and retention: no touchpoint has `delivers`")
    markdown = comment("x.journey", "x.journey", [], prediction=prediction, models=(old, new))
    assert "> ⚠️ NPS and retention: no touchpoint has `delivers`" in markdown


def test_a_forecast_from_the_files_own_numbers_is_not_marked():
    rated = TEXT.replace('"Applies" { }', '"Applies" {\n      delivers 4\n    }')
    old = _journey(rated)
    prediction = forecast(old, replace(old, customers=50), SPEC)
    assert "assumed" not in prediction
    assert not any("*" in line for line in forecast_lines(prediction))


def test_compare_and_its_text_say_which_numbers_come_from_defaults():
    """`compare` on a journey without `delivers`, events or `max_wait` (a scenario adds
    spend) carries the same `assumed` flag as `simulate`, and its text says so under the
    heading; with a `delivers` in the file, neither."""
    from cxjourney.decide.compare import compare
    from cxjourney.render.decisions_text import compare_text

    scenario = '  scenario more "More" {\n    cost 1k\n    p.spend += 1\n  }\n}\n'
    plain = TEXT.rstrip().removesuffix("}") + scenario
    results, _ = compare(_journey(plain), SPEC)
    assert results["assumed"][0]["metrics"][:2] == ["satisfaction", "nps"]
    assert "* NPS and retention: no touchpoint has `delivers`" in compare_text(results)
    rated = plain.replace('"Applies" { }', '"Applies" {\n      delivers 4\n    }')
    results, _ = compare(_journey(rated), SPEC)
    assert "assumed" not in results and "NPS and retention:" not in compare_text(results)
