"""The HTML report: self-contained, escaped, complete, and reproducible from itself."""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxjourney.cli import main
from cxjourney.cli.render import report
from tests.conftest import JOURNEYS, run_cli, write
from tests.render.conftest import HOSTILE, LOYAL, normalised

HOTEL = str(JOURNEYS / "hotel_stay.journey")
SECTIONS = ("summary", "map", "curve", "scenarios", "retention", "touchpoints", "assumptions")


class Outline(HTMLParser):
    """Tags, attributes and text of a document, for checks a regex would get wrong."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self) -> str:
        return normalised(" ".join(self.text))


def outline(document: str) -> Outline:
    parser = Outline()
    parser.feed(document)
    parser.close()
    return parser


def make_report(tmp_path, *args: str, name: str = "report.html") -> str:
    out = tmp_path / name
    result = CliRunner().invoke(report, [*args, "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hotel_report(tmp_path_factory, hotel_results_path) -> str:
    tmp = tmp_path_factory.mktemp("report")
    return make_report(tmp, HOTEL, "--results", str(hotel_results_path), "--retention-points", "2")


def test_report_is_self_contained(hotel_report):
    assert not re.search(r"https?://", hotel_report)
    parsed = outline(hotel_report)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base"}
    for _, attrs in parsed.tags:
        assert "src" not in attrs
        if "href" in attrs:
            assert attrs["href"].startswith("#")
        assert not any(k.startswith("on") for k in attrs)
    assert "@import" not in hotel_report and "url(" not in hotel_report
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert "default-src 'none'" in csp[0]["content"]


def test_report_holds_every_section(hotel_report, hotel):
    parsed = outline(hotel_report)
    ids = [a.get("id") for t, a in parsed.tags if t == "section"]
    assert [s for s in SECTIONS if s in ids] == list(SECTIONS)
    assert "reproduce" in ids
    assert "drivers" not in ids and "sensitivity" not in ids  # none in these results
    text = parsed.plain
    for tp in hotel.journey.touchpoints:
        assert normalised(tp.label) in text
    for scenario in hotel.journey.scenarios:
        assert scenario.label in text
    assert "peak_end (set in the file)" in text
    assert "2.25 (set in the file)" in text
    assert "published: Tversky & Kahneman 1992" in text
    # the map, the curve and the charts are inline SVG: 1 map + 1 curve + 5 charts + retention
    assert len([t for t, _ in parsed.tags if t == "svg"]) == 8


def test_report_names_the_command_and_seed_that_reproduce_it(
    tmp_path, hotel_report, hotel_results, hotel_results_path
):
    commands = html.unescape(re.search(r"<pre>(.*?)</pre>", hotel_report, re.S).group(1))
    simulate, again = commands.splitlines()
    words = shlex.split(simulate)
    assert words[:3] == ["cxjourney", "simulate", HOTEL]
    assert words[words.index("--seed") + 1] == "3"
    assert words[words.index("-n") + 1] == "2"
    assert words[words.index("--horizon") + 1] == "28 days"
    assert f"--results {hotel_results_path}" in again
    digest = hashlib.sha256((JOURNEYS / "hotel_stay.journey").read_bytes()).hexdigest()
    assert digest in hotel_report
    # running the command gives the same numbers
    out = tmp_path / "again.json"
    words[words.index("-o") + 1] = str(out)
    result = CliRunner().invoke(main, words[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == hotel_results


def test_report_escapes_every_label(tmp_path):
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    path = tmp_path / "hostile.journey"
    path.write_text(
        f"""journey "{quoted}" {{
  description "<img src=x onerror=alert(1)> see https://example.com/x.png"
  horizon 2 weeks
  customers 40
  persona p "{quoted}" {{
    share 100%
    visits every 3 days
  }}
  stage s "{quoted}" {{
    touchpoint t "{quoted}" {{
      owner "{quoted}"
      delighter d "{quoted}" chance 20% impact +1
    }}
  }}
  scenario sc "{quoted}" {{
    cost 1k
    t.delivers += 1
  }}
}}
""",
        encoding="utf-8",
    )
    document = make_report(tmp_path, str(path), "-n", "2", "--retention-points", "1")
    parsed = outline(document)
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags and "img" not in tags
    assert "<script>" not in document and "<img" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert normalised(HOSTILE) in parsed.plain
    # the description's address is text, never a resource
    assert "https://example.com/x.png" in parsed.plain
    for _, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs)
        assert not any(v and "example.com" in v for v in attrs.values())


def test_retention_curve_is_the_runs_own_series(tmp_path, hotel_report, hotel_results):
    lines = re.findall(r'<polyline [^>]*class="retention"[^>]*>', hotel_report)
    assert len(lines) == len(hotel_results["scenarios"])
    checkpoints = len(hotel_results["scenarios"]["baseline"]["series"])
    for line in lines:
        points = re.search(r'points="([^"]*)"', line).group(1).split()
        assert len(points) == checkpoints  # every checkpoint of the run, day 0 to the horizon
        ys = [float(p.split(",")[1]) for p in points]
        assert ys == sorted(ys)  # retention never rises for the same customers
    assert "from the same run as every other number here" in hotel_report
    assert 'stroke-dasharray="5 4"' not in hotel_report


def test_results_without_a_series_get_an_approximation(tmp_path, hotel_results):
    old = json.loads(json.dumps(hotel_results))
    for entry in old["scenarios"].values():
        del entry["series"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    document = make_report(tmp_path, HOTEL, "--results", str(path), "--retention-points", "1")
    assert "Approximation: only the horizon was simulated" in document
    assert 'stroke-dasharray="5 4"' in document


def _interval(mean: float, spread: float = 0.1) -> dict:
    return {"mean": mean, "low": mean - spread, "high": mean + spread}


def test_sensitivity_from_the_results(tmp_path, hotel_results):
    """The shape `simulate --sensitivity --format json` attaches to the results."""
    results = copy.deepcopy(hotel_results)
    scenarios = [s for s in results["scenarios"] if s != "baseline"]
    settings = [
        ("as written", None, None, [3.0, 2.0, 1.0, 0.0]),
        ("negativity 1.3", "negativity", 1.3, [3.0, 0.5, 1.0, 0.0]),  # two swap places
    ]
    rows = []
    for name, assumption, value, means in settings:
        effects = {sid: _interval(m) for sid, m in zip(scenarios, means, strict=True)}
        ranking = sorted(effects, key=lambda sid: -effects[sid]["mean"])
        rows.append(
            {
                "setting": name,
                "assumption": assumption,
                "value": value,
                "effects": effects,
                "ranking": ranking,
            }
        )
    for sid in scenarios:
        means = [r["effects"][sid]["mean"] for r in rows]
        ranks = {r["ranking"].index(sid) for r in rows}
        results["scenarios"][sid]["sensitivity"] = {
            "low": min(means),
            "high": max(means),
            "rank_holds": len(ranks) == 1,
        }
    results["sensitivity"] = {"objective": "nps", "settings": rows}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    document = make_report(tmp_path, HOTEL, "--results", str(path), "--retention-points", "1")
    parsed = outline(document)
    ids = [a.get("id") for t, a in parsed.tags if t == "section"]
    assert "sensitivity" in ids and "drivers" not in ids
    text = parsed.plain
    assert "Effect on nps across the assumptions" in text
    assert "negativity 1.3" in text and "rank holds" in text
    holds = [results["scenarios"][sid]["sensitivity"]["rank_holds"] for sid in scenarios]
    assert holds == [True, False, False, True]
    section = document[document.index('id="sensitivity"') :]
    section = section[: section.index("</section>")]
    rank_row = re.search(r"<b>rank holds</b></th>(.*?)</tr>", section).group(1)
    assert [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rank_row)] == [
        "yes" if h else "no" for h in holds
    ]
    # the simulate command to reproduce it asks for the sensitivity too
    assert "--sensitivity --objective nps" in html.unescape(document)


def test_drivers_document_is_charted(tmp_path, hotel, hotel_results_path):
    """The shape `cxjourney drivers --format json` writes."""
    touchpoints = [
        {
            "touchpoint": tp.id,
            "label": tp.label,
            "owner": tp.owner,
            "effect": _interval(5.0 - i),
            "verdict": "better",
            "peak_share": 0.1,
            "trough_share": 0.1,
        }
        for i, tp in enumerate(hotel.journey.touchpoints)
    ]
    drivers = {
        "journey": "Hotel stay",
        "seed": 3,
        "replications": 2,
        "horizon_days": 28,
        "objective": "nps",
        "improvement": {"step": 0.5, "disappointer_factor": 0.5, "delighter_factor": 2.0},
        "touchpoints": touchpoints,
        "owners": [{"owner": "Front office", "touchpoints": ["desk"], "effect": _interval(3.0)}],
    }
    path = tmp_path / "drivers.json"
    path.write_text(json.dumps(drivers), encoding="utf-8")
    args = [HOTEL, "--results", str(hotel_results_path), "--drivers", str(path)]
    document = make_report(tmp_path, *args, "--retention-points", "1")
    section = document[document.index('id="drivers"') :]
    section = section[: section.index("</section>")]
    text = outline(section).plain
    assert "Effect on nps of improving one touchpoint" in text
    # the 12 strongest touchpoints, strongest first
    shown = [tp.label for tp in hotel.journey.touchpoints[:12]]
    positions = [text.index(normalised(label)) for label in shown[:3]]
    assert positions == sorted(positions)
    assert "Front office" in text and "+3.0 [+2.9, +3.1]" in text
    assert f"--drivers {path}" in html.unescape(document)


def test_malformed_drivers_exit_2(tmp_path, hotel_results_path):
    path = tmp_path / "drivers.json"
    path.write_text(json.dumps({"touchpoints": [{"effect": 3}]}), encoding="utf-8")
    args = [HOTEL, "--results", str(hotel_results_path), "--drivers", str(path)]
    result = CliRunner().invoke(report, [*args, "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "is not a drivers file" in result.output


def test_unknown_shapes_are_shown_as_tables(tmp_path, hotel_results):
    results = copy.deepcopy(hotel_results)
    results["drivers"] = [
        {"touchpoint": "desk", "effect": {"mean": -0.42, "low": -0.5, "high": -0.3}},
        {"touchpoint": "room", "effect": {"mean": 0.2, "low": 0.1, "high": 0.3}},
    ]
    results["sensitivity"] = {"fix_first": {"low": 0.1, "high": 0.4, "rank_holds": True}}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    document = make_report(tmp_path, HOTEL, "--results", str(path), "--retention-points", "1")
    parsed = outline(document)
    ids = [a.get("id") for t, a in parsed.tags if t == "section"]
    assert "drivers" in ids and "sensitivity" in ids
    assert "desk" in parsed.plain and "-0.42 [-0.50, -0.30]" in parsed.plain
    assert "rank_holds" in parsed.plain and "yes" in parsed.plain


def test_journey_without_scenarios_or_churn(tmp_path):
    path = tmp_path / "once.journey"
    path.write_text(
        """journey "Once" {
  horizon 1 week
  customers 30
  persona p {
    share 100%
  }
  stage s {
    touchpoint t { }
  }
}
""",
        encoding="utf-8",
    )
    document = make_report(tmp_path, str(path), "-n", "2", "--retention-points", "2")
    ids = [a.get("id") for t, a in outline(document).tags if t == "section"]
    assert "scenarios" not in ids
    assert "The journey defines no scenarios to compare." in document
    assert "Retention is not defined for this run" in document


def test_the_report_opens_with_what_the_forecast_recommends(hotel_report, hotel_results):
    """One sentence at the top names the best scenario, its change and how sure it is;
    each headline number says what it means; ROI reads as in the terminal."""
    from cxjourney.render.table import fmt_roi

    summary = hotel_report[hotel_report.index('id="summary"') :]
    first = re.search(r'<p class="headline">(.*?)</p>', summary, re.S).group(1)
    best = max(
        (n for n in hotel_results["scenarios"] if n != "baseline"),
        key=lambda n: hotel_results["scenarios"][n]["delta"]["nps"]["mean"],
    )
    assert f"({best})" in first and "moves NPS by" in first
    assert any(words in first for words in ("Recommended", "told apart", "No investment"))
    assert summary.count('class="meaning"') == 5
    roi = fmt_roi(hotel_results["scenarios"][best]["roi"])
    assert roi.endswith("%]") or roi.endswith("%")
    assert roi.replace("-", "-") in hotel_report.replace("&#x27;", "'")


def test_scenario_labels_are_never_cut_and_the_baseline_is_drawn_last(hotel_report):
    """Every label appears whole in the charts; the retention axis ends at the horizon
    and the baseline's line lies on top of the scenarios'."""
    assert "…" not in hotel_report
    lines = re.findall(r'<polyline [^>]*class="retention"[^>]*>', hotel_report)
    assert 'data-scenario="baseline"' in lines[-1]
    last_point = re.search(r'points="([^"]*)"', lines[-1]).group(1).split()[-1]
    axis_end = re.search(r"<text[^>]*>days</text>", hotel_report)
    assert axis_end is not None and float(last_point.split(",")[0]) > 0


# ---- retention that never falls ----------------------------------------------------------


def test_report_draws_retention_that_stays_at_100_percent(tmp_path: Path) -> None:
    journey = write(tmp_path, LOYAL)
    out = tmp_path / "report.html"
    done = run_cli("report", journey, "-n", "2", "-j", "1", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    html = out.read_text(encoding="utf-8")
    assert "Traceback" not in done.stderr.decode()
    assert "100%" in html and "90%" in html  # the axis runs from 90% to 100%
