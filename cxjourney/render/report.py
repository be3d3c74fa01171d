"""One self-contained HTML report a CX lead can send around.

Everything is inline (SVG, CSS; no script, font or image is fetched, and a Content
Security Policy forbids it), every label is escaped, and the layout reflows on a
phone and prints on paper. The sections follow the questions a reader asks: what the
journey looks like and where it hurts, what each investment changes and how sure we
are, how loyalty evolves, what was assumed, and how to reproduce the numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..language.facts import LOYALTY_SOURCES, lookup
from ..language.spelling import ranged
from ..model import LOYALTY_KEYS, Belief, Journey, Loyalty
from ..queueing import busy_words
from ..results import Interval, IntervalLike
from . import palette
from .charts import Row, interval_chart, retention_chart
from .decisions import FORMATS, drivers_section, sensitivity_section, unknowns_section
from .decisions_text import evidence_lines, money_first, worth_lines
from .duration import duration, duration_interval, horizon, interval_parts, spelled
from .escape import markup
from .forecast_text import assumed_lines
from .page import (
    CSS,
    Section,
    money,
    section,
    signed_percent,
    table,
    triple,
)
from .retention import Retention
from .table import (
    NO_DURATION,
    TOUCHPOINT_NOTE,
    busiest_wait,
    delay,
    fmt_interval,
    fmt_roi,
    fmt_value,
    percent,
    touchpoint_columns,
    verdict,
)

SOURCES = LOYALTY_SOURCES

#: The deltas charted for every scenario: (metric, title, axis format). The axes read as
#: the decision charts' (`decisions.FORMATS`), but retention's title names its unit, so
#: its axis does not repeat " pt".
CHARTED = (
    ("satisfaction", "Satisfaction (0–10)", FORMATS["satisfaction"]),
    ("nps", "NPS (points)", FORMATS["nps"]),
    ("retention", "Retention (percentage points)", lambda v: f"{v * 100:+.1f}"),
    ("revenue", "Revenue", FORMATS["revenue"]),
)


@dataclass(frozen=True)
class Report:
    """What the report shows; the command line fills it in, the library can too."""

    journey: Journey
    results: dict[str, Any]
    map_svg: str | None
    map_note: str | None
    curve_svg: str
    retention: Retention | None
    commands: tuple[str, ...]
    digest: str
    drivers: dict[str, Any] | None = None  # a `drivers --format json` document


def inline_svg(data: bytes | str) -> str:
    """An SVG document made fit for inlining: no prolog, doctype, comments or namespaces.

    The HTML parser knows SVG's namespaces, so dropping them leaves no URL in the file.
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = re.sub(r"<\?xml.*?\?>", "", text, flags=re.S)
    text = re.sub(r"<!DOCTYPE.*?>", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", text)
    return text.strip()


def html_report(report: Report) -> str:
    journey, results = report.journey, report.results
    labels = {s.id: s.label for s in journey.scenarios}
    names = list(results["scenarios"])
    colours = {name: palette.series(i) for i, name in enumerate(names)}
    sections = [
        _summary(journey, results, labels),
        _map(report),
        _curve(report),
        _comparison(results, labels, colours),
        _retention(report, labels, colours),
        _touchpoints(journey, results),
        drivers_section(report.drivers, results, inline_svg),
        sensitivity_section(results, labels, colours, inline_svg),
        unknowns_section(results, inline_svg),
        _assumptions(journey, results),
        _reproduce(report),
    ]
    shown = [s for s in sections if s is not None]
    nav = "".join(f'<a href="#{anchor}">{markup(title)}</a>' for anchor, title, _ in shown)
    main = "".join(
        f'<section id="{anchor}"><h2>{markup(title)}</h2>{body}</section>'
        for anchor, title, body in shown
    )
    description = (
        f'<p class="lead">{markup(journey.description)}</p>' if journey.description else ""
    )
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f'<meta name="generator" content="cxjourney {markup(__version__)}">'
        f"<title>{markup(journey.title)} — journey report</title>"
        f"<style>{CSS}</style></head><body>"
        f'<header><p class="kicker">Customer journey report</p><h1>{markup(journey.title)}</h1>'
        f'{description}<p class="meta">{markup(_run_line(journey, results))}</p>'
        f'<nav aria-label="Sections">{nav}</nav></header>'
        f"<main>{main}</main>"
        f"<footer>Made with cxjourney {markup(__version__)}. Forecasts from a simulation "
        "model: read the intervals, and the assumptions section, before the means.</footer>"
        "</body></html>\n"
    )


def _run_line(journey: Journey, results: dict[str, Any]) -> str:
    line = (
        f"Forecast over {run_horizon(journey, results)} · {results['replications']} "
        f"replications · seed {results['seed']} · means with 95% intervals"
    )
    note = results.get("sequential") or {}
    if note.get("precision_met") is False and note.get("half_width") is not None:
        line += (
            f" · stopped at the maximum of {note['maximum']} replications; half-width "
            f"±{note['half_width']:.3g}, wider than the ±{note['precision']:g} asked"
        )
    return line


def run_horizon(journey: Journey, results: dict[str, Any]) -> str:
    """The run's horizon in the file's words when the run kept the file's ("26 weeks"),
    otherwise as the results write it ("28 days")."""
    return horizon(results["horizon_days"], journey.horizon)


#: The summary's cards: (metric, title, what the number means in one line).
HEADLINES = (
    ("satisfaction", "Satisfaction", "Mean relationship satisfaction of active customers, "
     "0–10; 7 is a passive who got what was expected."),
    ("nps", "NPS", "% promoters − % detractors among active customers at the end."),
    ("retention", "Retention", "Share of the customers present at the start still active "
     "at the end."),
    ("completion", "Completion", "Share of journeys that reached the end, rather than "
     "dropping out or walking out."),
    ("revenue", "Revenue", "Spend of every completed journey within the horizon."),
)  # fmt: skip


def headline(journey: Journey, results: dict[str, Any], labels: dict[str, str]) -> str:
    """Money first: whether the recommended option pays for itself within the horizon,
    and when (or, when none does, what the options buy instead); then how sure it is."""
    rest = _nps_headline(journey, results, labels)
    scenarios = {k: v for k, v in results["scenarios"].items() if k != "baseline"}
    if not scenarios or not any("payback" in v for v in scenarios.values()):
        return rest
    ranked = sorted(
        scenarios, key=lambda k: -(scenarios[k]["delta"]["nps"]["mean"] or float("-inf"))
    )
    options = [
        {"scenario": k, "payback": scenarios[k].get("payback"), "delta": scenarios[k]["delta"]}
        for k in ranked
    ]
    money = money_first(options, run_horizon(journey, results), recommended="Best on NPS")
    return f"{money} {rest}"


def _nps_headline(journey: Journey, results: dict[str, Any], labels: dict[str, str]) -> str:
    """What the forecast recommends on NPS, and how sure it is."""
    n = results["replications"]
    scenarios = {k: v for k, v in results["scenarios"].items() if k != "baseline"}
    nps = results["scenarios"]["baseline"]["metrics"]["nps"]
    if not scenarios:
        return (
            f"Forecast of the journey as it is: NPS {fmt_interval('nps', nps)} over "
            f"{run_horizon(journey, results)}; it defines no investment to compare."
        )
    ranked = sorted(
        scenarios,
        key=lambda k: -(scenarios[k]["delta"]["nps"]["mean"] or float("-inf")),
    )
    best = ranked[0]
    entry = scenarios[best]
    change = entry["delta"]["nps"]
    said = (
        f"{labels.get(best, best)} ({best}) moves NPS by "
        f"{fmt_interval('nps', change, signed=True)} for "
        f"{money(entry.get('cost', 0), currency=journey.currency)}, ROI {fmt_roi(entry['roi'])}"
    )
    word = verdict(change, n)
    if n < 2:
        return (
            f"Indicative only (one replication, so no interval): {said}. "
            "Run at least two replications before deciding."
        )
    if word == "higher":
        sure = "the 95% interval excludes zero, so it is better than doing nothing"
        if len(ranked) > 1:
            second = scenarios[ranked[1]]["delta"]["nps"]
            if (second.get("high") or 0) >= (change.get("low") or 0):
                sure += (
                    f", though not clearly better than {ranked[1]} (their intervals overlap; "
                    "`cxjourney compare` pairs them)"
                )
        return f"Recommended: {said}; {sure}."
    if word == "lower":
        return f"No investment raises NPS: the best, {said}, lowers it (95% interval below zero)."
    return (
        f"No investment can be told apart from the baseline on NPS at {n} replications; "
        f"on average the best is {labels.get(best, best)} ({best}): it moves NPS by "
        f"{fmt_interval('nps', change, signed=True)}. More replications, or a bigger change, "
        "are needed before acting on it."
    )


def _summary(journey: Journey, results: dict[str, Any], labels: dict[str, str]) -> Section:
    base = results["scenarios"]["baseline"]["metrics"]
    cards = []
    for metric, title, meaning in HEADLINES:
        value = base[metric]
        cards.append(
            f'<div class="card"><div class="label">{title}</div>'
            f'<div class="value">{markup(_short(metric, value["mean"], journey))}</div>'
            f'<div class="range">{markup(_range(metric, value, journey))}</div>'
            f'<div class="meaning">{markup(meaning)}</div></div>'
        )
    if "duration_mean" in base:
        cards.append(_duration_card(base))
    body = f'<p class="headline">{markup(headline(journey, results, labels))}</p>'
    for line in evidence_lines(results.get("ranking") or []):
        if line:
            body += f'<p class="warning">{markup(line[0].upper() + line[1:])}</p>'
    # What the team does not know, in one sentence: what knowing it would be worth (the
    # tornado and the tables are in their own section, `decisions.unknowns_section`).
    for line in worth_lines(results):
        body += f'<p class="note">{markup(line)}</p>'
    for line in assumed_lines(results, mark="Note:"):
        body += f'<p class="warning">{markup(line)}</p>'
    body += f'<div class="cards">{"".join(cards)}</div>'
    scenarios = [n for n in results["scenarios"] if n != "baseline"]
    timed = any("duration_mean" in results["scenarios"][n]["metrics"] for n in scenarios)
    if scenarios:
        rows = []
        for name in scenarios:
            entry = results["scenarios"][name]
            roi = entry["roi"]
            rows.append(
                [
                    markup(labels.get(name, name)) + f"<br><code>{markup(name)}</code>",
                    markup(money(entry.get("cost", 0), currency=journey.currency)),
                    *(
                        markup(fmt_interval(m, entry["delta"][m], signed=True))
                        + f'<br><span class="verdict {verdict(entry["delta"][m]).split()[0]}">'
                        f"{markup(verdict(entry['delta'][m]))}</span>"
                        for m in ("satisfaction", "nps", "retention", "revenue")
                    ),
                    markup(fmt_roi(roi)),
                    *([_duration_change(entry, base)] * timed),
                ]
            )
        body += "<h3>Investments against the baseline</h3>" + table(
            ["scenario", "cost", "Δ satisfaction", "Δ NPS", "Δ retention", "Δ revenue", "ROI"]
            + ["Δ journey duration"] * timed,
            rows,
        )
        body += (
            '<p class="note">“higher” or “lower”: the 95% interval of the change excludes '
            "zero; “not distinguishable”: it does not, so more replications or a bigger "
            "change are needed before acting on it.</p>"
        )
    else:
        body += '<p class="note">The journey defines no scenarios to compare.</p>'
    return section("summary", "Summary", body)


def _duration_card(base: dict[str, Any]) -> str:
    """The journey's length: mean with its 95% range, and its median and 90th percentile."""
    value = base.get("duration_mean") or {}
    if value.get("mean") is None:
        shown, span = "–", ""
        meaning = "No journey ended within the horizon, so none could be timed."
    else:
        shown = duration(value["mean"])
        span = _duration_range(value)
        others = [
            f"{what} {fmt_interval(metric, base[metric])}"
            for metric, what in (("duration_median", "median"), ("duration_p90", "90th percentile"))
            if metric in base
        ]
        meaning = (
            "Mean time from a journey's start to its end, over journeys that ended within "
            "the horizon" + (f"; {', '.join(others)}." if others else ".")
        )
    return (
        '<div class="card"><div class="label">Journey duration</div>'
        f'<div class="value">{markup(shown)}</div>'
        f'<div class="range">{markup(span)}</div>'
        f'<div class="meaning">{markup(meaning)}</div></div>'
    )


def _duration_range(value: dict[str, Any]) -> str:
    """ "95%: 2.9 to 3.5 days", in the unit of the interval form."""
    parts = interval_parts(value)
    if parts is None:
        return ""
    _, low, high, unit = parts
    return f"95%: {low} to {high} {unit}"


def _duration_change(entry: dict[str, Any], base: dict[str, Any]) -> str:
    """A scenario's change in mean journey duration, with its interval and verdict."""
    delta = entry.get("delta", {}).get("duration_mean")
    if delta is None or delta.get("mean") is None:
        ended = (entry["metrics"].get("duration_mean") or {}).get("mean") is not None and (
            base.get("duration_mean") or {}
        ).get("mean") is not None
        return markup("– (not paired)" if ended else NO_DURATION)
    word = verdict(delta, metric="duration_mean")
    return (
        markup(duration_interval(delta, signed=True))
        # neither green nor red: a shorter journey is not better in itself
        + f'<br><span class="verdict {word.split()[0]}">{markup(word)}</span>'
    )


def _map(report: Report) -> Section:
    if report.map_svg is None:
        body = f'<p class="warning">{markup(report.map_note or "The map could not be drawn.")}</p>'
    else:
        body = (
            '<input type="checkbox" id="actual-size" class="toggle">'
            '<label for="actual-size" class="toggle-label">Show at actual size</label>'
            f'<figure class="map">{report.map_svg}</figure>'
            '<p class="note">Node colour: mean experience of a visit (red below expectation, '
            "green above); edge width: estimated share of journeys taking the edge (visits "
            "from the results split by the personas' own probabilities); ▲/▼: where journeys' "
            "best and worst moments fall.</p>"
        )
    return section("map", "Journey map and experience", body)


def _curve(report: Report) -> Section:
    body = f'<figure class="chart wide">{report.curve_svg}</figure>'
    return section("curve", "Emotional curve", body)


def _comparison(
    results: dict[str, Any], labels: dict[str, str], colours: dict[str, str]
) -> Section:
    scenarios = [n for n in results["scenarios"] if n != "baseline"]
    if not scenarios:
        return None
    charts = []
    for metric, title, fmt in CHARTED:
        rows = [
            Row(labels.get(n, n), colours[n], *triple(results["scenarios"][n]["delta"][metric]))
            for n in scenarios
        ]
        charts.append(
            f'<figure class="chart">{inline_svg(interval_chart(title, rows, fmt))}</figure>'
        )
    rows = [
        Row(labels.get(n, n), colours[n], *triple(results["scenarios"][n]["roi"]))
        for n in scenarios
    ]
    roi = interval_chart("ROI: (Δ revenue − cost) / cost", rows, signed_percent)
    charts.append(f'<figure class="chart">{inline_svg(roi)}</figure>')
    body = (
        '<p class="note">Change against the baseline with its 95% interval (paired '
        "replications: every scenario meets the same customers). An interval crossing the "
        "zero line means the simulation cannot tell the scenario from the baseline.</p>"
        f'<div class="grid">{"".join(charts)}</div>'
    )
    return section("scenarios", "Scenario comparison", body)


def _retention(report: Report, labels: dict[str, str], colours: dict[str, str]) -> Section:
    if report.retention is None:
        return section(
            "retention",
            "Retention over the horizon",
            '<p class="note">Retention is not defined for this run: no customer present at '
            "the start can churn (personas without repeat visits never churn).</p>",
        )
    names = {"baseline": "Baseline", **labels}
    chart = retention_chart(
        "Share of the starting customers still active", report.retention, names, colours
    )
    if report.retention.simulated:
        note = (
            "The share of the customers present at the start who are still active, from "
            "the same run as every other number here; the band is the baseline's 95% "
            "interval (each point's own interval shows on hovering)."
        )
    else:
        note = (
            "Approximation: only the horizon was simulated; the dashed lines interpolate "
            "with a constant churn rate, R(t) = R(H)^(t/H)."
        )
    figure = f'<figure class="chart single">{inline_svg(chart)}</figure>'
    body = f'{figure}<p class="note">{markup(note)}</p>'
    return section("retention", "Retention over the horizon", body)


def _touchpoints(journey: Journey, results: dict[str, Any]) -> Section:
    touchpoints = results["scenarios"]["baseline"]["touchpoints"]
    delays, busiest = touchpoint_columns(touchpoints)
    rows = []
    for tp in journey.touchpoints:
        v = touchpoints.get(tp.id)
        if v is None:
            continue
        rows.append(
            [
                markup(tp.label),
                f"{v.get('visits') or 0:,.0f}",
                *([markup(delay(v))] * delays),
                markup(duration(v.get("wait_mean"))),
                *([markup(busiest_wait(v))] * busiest),
                markup(busy_words(v.get("utilisation"))),
                percent(v.get("abandon_rate")),
                "–" if v.get("experience_mean") is None else f"{v['experience_mean']:+.2f}",
                percent(v.get("peak_share")),
                percent(v.get("trough_share")),
            ]
        )
    head = ["touchpoint", "visits", *(["delay before"] * delays), "wait"]
    head += ["busiest-hour wait"] * busiest
    head += ["busy", "walk-outs", "experience", "peak", "trough"]
    body = table(head, rows)
    note = TOUCHPOINT_NOTE.strip("()")
    if delays:
        note += "; delay before: the time before a visit starts (the step's `after`, and its way's)"
    if busiest:
        note += "; busiest-hour wait: the queue wait of visits arriving in the week's busiest hour"
    body += f'<p class="note">{markup(note[0].upper() + note[1:])}.</p>'
    return section("touchpoints", "Touchpoints (baseline)", body)


def _assumptions(journey: Journey, results: dict[str, Any]) -> Section:
    default = Loyalty()
    rows = []
    for key in LOYALTY_KEYS:
        value = getattr(journey.loyalty, key)
        belief = journey.loyalty.range_of(key)
        changed = value != getattr(default, key) or belief is not None
        text = _loyalty_value(key, value)
        if belief is not None:  # the team's guess: drawn per replication
            low = _loyalty_value(key, belief.low).removesuffix(" per month")
            text = f"{low} .. {_loyalty_value(key, belief.high)} (a range of belief)"
        rows.append(
            [
                f"<code>{key}</code>",
                markup(text) + (" <b>(set in the file)</b>" if changed else ""),
                markup(SOURCES.get(key, "")),
            ]
        )
    loyalty = table(["parameter", "value", "source"], rows, numeric_from=3)
    persona_rows = []
    for p in journey.personas:
        persona_rows.append(
            [
                markup(p.label),
                percent(p.share),
                markup(
                    _guessed(p.visit_gap_range, "duration", "every ")
                    or (f"every {spelled(p.visit_gap)}" if p.visit_gap else "one journey")
                ),
                markup(
                    _guessed(p.arrivals_range, "rate")
                    or (f"{p.arrivals * 60 * 24 * 7:.3g} per week" if p.arrivals else "–")
                ),
                markup(
                    _guessed(p.patience_range, "duration")
                    or (spelled(p.patience) if p.patience is not None else "never walks out")
                ),
                markup(
                    _guessed(p.spend_range, "money", suffix=f" {journey.currency}")
                    or money(p.spend, currency=journey.currency)
                ),
                markup(_guessed(p.price_sensitivity_range, "percent"))
                or percent(p.price_sensitivity),
                markup(_guessed(p.expects_range, "shift") or f"{p.expects:+g}"),
                markup(", ".join(p.prefers) or "–"),
            ]
        )
    personas = table(
        [
            "persona",
            "share",
            "visits",
            "new",
            "patience",
            "spend",
            "price pull",
            "expects",
            "prefers",
        ],
        persona_rows,
    )
    written = spelled(journey.horizon, horizon=True)
    run = run_horizon(journey, results)
    setting = (
        f"{journey.customers:,.0f} customers at the start; horizon {run}"
        + ("" if run == written else f" (the file says {written})")
        + f"; currency {journey.currency}."
    )
    body = (
        f"<p>{markup(setting)}</p><h3>Personas</h3>{personas}"
        f"<h3>Loyalty model</h3>{loyalty}"
        "<h3>Approximations in this report</h3><ul>"
        "<li>Edge widths estimate each edge's traffic: the results count visits per "
        "touchpoint, not per edge, so visits are split by the personas' own probabilities, "
        "each persona weighted by its expected journeys over the horizon.</li>"
        "<li>The emotional curve's lines are the model's expected moment per touchpoint on "
        "each persona's most likely path, without waits, learning or recovery; the "
        "markers are the simulated means over all personas.</li></ul>"
    )
    return section("assumptions", "Assumptions", body)


def _reproduce(report: Report) -> Section:
    commands = "\n".join(markup(c) for c in report.commands)
    body = (
        f"<p>Seed <b>{markup(str(report.results['seed']))}</b>, "
        f"{markup(str(report.results['replications']))} replications; the same command, seed "
        "and file give the same numbers, byte for byte, with any number of workers.</p>"
        f"<pre>{commands}</pre>"
        f'<p class="note">Journey file SHA-256: <code>{markup(report.digest)}</code></p>'
    )
    return section("reproduce", "Reproduce", body)


def _short(metric: str, value: float | None, journey: Journey) -> str:
    """A summary card's figure: shares as the tables write them, but NPS in whole points
    (signed, as NPS reads) and revenue abbreviated with its currency, to fit a card."""
    if value is None:
        return "–"
    if metric in ("retention", "completion"):
        return percent(value)
    if metric == "revenue":
        return money(value, currency=journey.currency)
    if metric == "nps":
        return f"{value:+.0f}"
    return fmt_value(metric, value)


def _range(metric: str, value: IntervalLike, journey: Journey) -> str:
    """A card's interval on a line of its own: "95%: 41.2% to 44.0%"."""
    value = Interval.of(value)
    if value.low is None or value.high is None:
        return ""
    return f"95%: {_short(metric, value.low, journey)} to {_short(metric, value.high, journey)}"


def _guessed(belief: Belief | None, kind: str, prefix: str = "", suffix: str = "") -> str:
    """A number written as a range of belief, as written and marked as a guess; empty
    when it is known."""
    if belief is None:
        return ""
    return f"{prefix}{ranged(kind, belief.low, belief.high)}{suffix} (a range of belief)"


def _loyalty_value(key: str, value: object) -> str:
    fact = lookup("loyalty", key)
    if fact is not None and fact.kind == "percent" and isinstance(value, float):
        text = f"{value * 100:g}%"
    else:
        text = f"{value:g}" if isinstance(value, float) else str(value)
    return text + (" per month" if fact is not None and fact.per_month else "")
