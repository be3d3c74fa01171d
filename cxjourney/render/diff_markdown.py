"""A semantic diff as a pull-request comment that a reviewer reads in ten seconds.

First the verdict (is the new version forecast to be better, worse, or not
distinguishable; or why there is none), then the forecast table with intervals, then
what changed in the map, then the scenarios whose ranking moved. Long lists fold into `<details>` so
the comment stays short. Pure: the same inputs give the same bytes.
"""

from __future__ import annotations

from typing import Any

from ..language.diff import Difference
from ..results import Interval, IntervalLike
from .duration import duration_interval, horizon
from .forecast_text import assumed_lines
from .table import fmt_roi

#: More differences than this fold into a <details> block.
SHOWN_CHANGES = 12

_METRICS = (("nps", "NPS"), ("retention", "retention"), ("revenue", "revenue"))
#: Journey durations, shown when the forecast has them; they take no part in the verdict
#: (a longer journey is not worse in itself: a subscription that lasts is a good one).
_DURATIONS = (
    ("duration_mean", "journey duration (mean)"),
    ("duration_median", "journey duration (median)"),
    ("duration_p90", "journey duration (90th pct)"),
)
_MARK = {
    "better": "🟢",
    "worse": "🔴",
    "mixed": "🟡",
    "not distinguishable": "⚪",
    "no value": "—",
    "no interval": "—",
    "no verdict": "—",
}
#: Verdicts that say something about the change; the others say why there is none.
_VERDICTS = ("better", "worse", "not distinguishable")
_CHANGE_WORDS = {"added": "added", "removed": "removed", "changed": "changed"}
_ELEMENT_WORDS = {
    "journey": "journey",
    "persona": "persona",
    "stage": "stage",
    "touchpoint": "touchpoint",
    "edge": "flow edge",
    "scenario": "scenario",
    "loyalty": "loyalty",
}


def comment(
    old_name: str,
    new_name: str,
    found: list[Difference],
    prediction: dict[str, Any] | None = None,
    rankings: dict[str, Any] | None = None,
    models: tuple[Any, Any] = (None, None),
) -> str:
    """The whole comment, in GitHub-flavoured Markdown; `models` name the events' kinds."""
    title = getattr(models[1], "title", "") or getattr(models[0], "title", "")
    heading = f"### Journey change: {title}" if title else "### Journey change"
    lines = [heading, "", f"`{old_name}` → `{new_name}`", ""]
    if rankings is not None and rankings.get("new") and rankings.get("horizon_days"):
        lines += [f"**Money first:** {_money(rankings)}", ""]
    if prediction is not None:
        lines += _forecast(prediction, models)
    lines += _map_changes(found, _event_kinds(models))
    if rankings is not None:
        lines += _rankings(rankings)
    if prediction is not None:
        lines += _method(prediction)
    return "\n".join(lines).rstrip("\n") + "\n"


# ---- forecast ------------------------------------------------------------------------------


def verdict_of(prediction: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The overall verdict and each metric's: better / worse / not distinguishable, or
    no value (the simulation could not compute the metric) or no interval (one
    replication): no verdict at all, rather than a "not distinguishable" it cannot know.

    Higher is better for every metric; the overall verdict is mixed when one metric
    is reliably better and another reliably worse, and no verdict when no metric has one.
    """
    each = {m: _verdict(prediction["metrics"][m]["change"]) for m, _ in _METRICS}
    words = set(each.values())
    if "better" in words and "worse" in words:
        overall = "mixed"
    elif "better" in words:
        overall = "better"
    elif "worse" in words:
        overall = "worse"
    elif "not distinguishable" in words:
        overall = "not distinguishable"
    else:
        overall = "no verdict"
    return overall, each


def _verdict(change: dict[str, float | None]) -> str:
    low, high = change.get("low"), change.get("high")
    if change.get("mean") is None:
        return "no value"
    if low is None or high is None:
        return "no interval"
    if low > 0:
        return "better"
    if high < 0:
        return "worse"
    return "not distinguishable"


def _no_verdict(
    metric: str, label: str, verdict: str, prediction: dict[str, Any], models: tuple[Any, Any]
) -> str:
    """Why a metric has no verdict: "no retention: …" with the reason, never a verdict."""
    if verdict == "no interval":
        reps = prediction["replications"]
        return f"no verdict: no interval at {reps} replication{'s' if reps != 1 else ''}"
    entry = prediction["metrics"][metric]
    missing = [side for side in ("old", "new") if entry[side].get("mean") is None]
    if len(missing) == 1:
        model = models[0] if missing == ["old"] else models[1]
        return f"no {label}: in the {missing[0]} version, {_why_missing(metric, model)}"
    return f"no {label}: {_why_missing(metric, models[1] or models[0])}"


def _why_missing(metric: str, journey: Any) -> str:
    """Why the simulation has no value of a metric, from what the file says."""
    if metric != "retention":
        return "no customer was active at the horizon"
    if journey is None or not hasattr(journey, "personas"):
        return "no customer present at the start could leave"
    if not getattr(journey, "customers", 0):
        return "no customers at the start (`customers 0`), so none to retain"
    if not any(p.visit_gap and (p.share is None or p.share > 0) for p in journey.personas):
        return "every customer makes one journey (no `visits every`), so none can leave"
    return "no customer present at the start makes repeat visits"


def _forecast(prediction: dict[str, Any], models: tuple[Any, Any] = (None, None)) -> list[str]:
    overall, each = verdict_of(prediction)
    currency = prediction["currency"]["new"]
    moved = [
        f"{label} {_show(m, prediction['metrics'][m]['change']['mean'], currency, sign=True)}"
        for m, label in _METRICS
        if each[m] in ("better", "worse")
    ]
    summary = {
        "better": "the new version is forecast to do better",
        "worse": "the new version is forecast to do worse",
        "mixed": "the forecast improves one measure and worsens another",
        "not distinguishable": "no change the simulation can tell apart from noise",
        "no verdict": "the simulation gave no interval to judge a change by",
    }[overall]
    detail = f" ({', '.join(moved)})" if moved else ""
    lines = [f"**{_MARK[overall]} Verdict: {overall}** — {summary}{detail}.", ""]
    lines += [
        "| forecast | old | new | change (95% interval) | |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for metric, label in _METRICS:
        entry = prediction["metrics"][metric]
        word = each[metric]
        if word not in _VERDICTS:
            word = _no_verdict(metric, label, word, prediction, models)
        lines.append(
            f"| {label} | {_interval(metric, entry['old'], currency)} "
            f"| {_interval(metric, entry['new'], currency)} "
            f"| **{_interval(metric, entry['change'], currency, sign=True)}** "
            f"| {_MARK[each[metric]]} {word} |"
        )
    for metric, label in _DURATIONS:
        entry = prediction["metrics"].get(metric)
        if entry is None:
            continue
        lines.append(
            f"| {label} | {_duration(entry.get('old'))} | {_duration(entry.get('new'))} "
            f"| **{_duration(entry.get('change'), sign=True)}** "
            f"| {_duration_verdict(entry.get('change'))} |"
        )
    if notes := assumed_lines(prediction, mark="> ⚠️"):
        lines += ["", *notes]
    return [*lines, ""]


def _duration(entry: dict[str, float | None] | None, *, sign: bool = False) -> str:
    if not entry or entry.get("mean") is None:
        return "n/a (no journey ended)"
    return duration_interval(entry, signed=sign)


def _duration_verdict(change: dict[str, float | None] | None) -> str:
    """⏱ shorter / longer, or not distinguishable: a fact, neither better nor worse."""
    word = _verdict(change or {})
    if word == "better":
        return "⏱ longer"
    if word == "worse":
        return "⏱ shorter"
    if word == "no interval":
        return f"{_MARK[word]} no interval"
    if word == "no value":
        return f"{_MARK[word]} no journey ended"
    return f"{_MARK[word]} {word}"


def _show(metric: str, value: float | None, currency: str, *, sign: bool = False) -> str:
    if value is None:
        return "n/a"
    if metric == "retention":
        text = f"{value * 100:+.1f}" if sign else f"{value * 100:.1f}"
        return text + (" pts" if sign else "%")
    if metric == "revenue":
        text = f"{value:+,.0f}" if sign else f"{value:,.0f}"
        return f"{text} {currency}"
    return f"{value:+.1f}" if sign else f"{value:.1f}"


def _interval(metric: str, entry: IntervalLike, currency: str, *, sign: bool = False) -> str:
    """A mean and its interval, the currency once after the mean: "+12,500 EUR [+8,500,
    +16,500]"; ROI as the tables spell it, a percentage (`table.fmt_roi`)."""
    if metric == "roi":
        return fmt_roi(entry)
    value = Interval.of(entry)
    mean, low, high = value.mean, value.low, value.high
    shown = _show(metric, mean, currency, sign=sign)
    if mean is None or low is None or high is None or low == high:
        return shown
    bounds = [_show(metric, v, "", sign=sign).split(" ")[0] for v in (low, high)]
    return f"{shown} [{bounds[0]}, {bounds[1]}]"


def _method(prediction: dict[str, Any]) -> list[str]:
    reps = prediction["replications"]
    days = prediction["horizon_days"]["new"]
    timed = any(metric in prediction["metrics"] for metric, _ in _DURATIONS)
    durations = (
        " Journey duration: from a journey's start to its end, over journeys that ended "
        "within the horizon."
        if timed
        else ""
    )
    return [
        "<sub>Baseline of each version simulated with the same customers "
        f"({reps} replication{'s' if reps != 1 else ''}, seed {prediction['seed']}, "
        f"{horizon(days)}); the change is the paired difference. Retention in percentage "
        f"points.{durations} Produced by <code>cxjourney diff --simulate --format markdown"
        "</code>.</sub>",
    ]


# ---- map changes ------------------------------------------------------------------------------


def _event_kinds(models: tuple[Any, Any]) -> dict[str, str]:
    """`touchpoint.event` → delighter or disappointer, the new version's word winning."""
    kinds: dict[str, str] = {}
    for model in models:
        for tp in getattr(model, "touchpoints", ()):
            kinds.update({f"{tp.id}.{e.id}": e.kind for e in tp.events})
    return kinds


def _map_changes(found: list[Difference], kinds: dict[str, str]) -> list[str]:
    if not found:
        return ["**Map:** no semantic changes (layout, comments or wording only).", ""]
    counts = {kind: sum(d.change == kind for d in found) for kind in _CHANGE_WORDS}
    tally = ", ".join(f"{n} {word}" for word, n in counts.items() if n)
    lines = [f"**What changed in the map** ({tally})", ""]
    items = [_item(d, kinds) for d in found]
    lines += items[:SHOWN_CHANGES]
    if len(items) > SHOWN_CHANGES:
        rest = len(items) - SHOWN_CHANGES
        lines += [
            "",
            f"<details><summary>{rest} more change{'s' if rest != 1 else ''}</summary>",
            "",
            *items[SHOWN_CHANGES:],
            "",
            "</details>",
        ]
    return [*lines, ""]


def _item(d: Difference, kinds: dict[str, str]) -> str:
    what = _ELEMENT_WORDS.get(d.element) or kinds.get(d.key) or _event_word(d)
    name = f"`{d.key}`" if d.element != "journey" else ""
    if d.change in ("added", "removed"):
        text = d.new_text if d.change == "added" else d.old_text
        sign = "➕" if d.change == "added" else "➖"
        detail = f" — {_code(text)}" if text else ""
        return f"- {sign} {d.change} {what} {name}{detail}".replace("  ", " ")
    attribute = d.attribute or ""
    if d.old is None and d.attribute in ("changes", "recovers"):
        return f"- ✏️ {what} {name}: {attribute} + {_code(d.new_text)}"
    if d.new is None and d.attribute in ("changes", "recovers"):
        return f"- ✏️ {what} {name}: {attribute} − {_code(d.old_text)}"
    target = f"{what} {name} {attribute}".replace("  ", " ").strip()
    if d.element == "journey":
        target = f"journey {attribute or d.key}"
    return f"- ✏️ {target}: {_code(d.old_text)} → {_code(d.new_text)}"


def _event_word(d: Difference) -> str:
    for value in (d.new, d.old):
        if isinstance(value, dict) and value.get("kind") in ("delighter", "disappointer"):
            return str(value["kind"])
    for text in (d.new_text, d.old_text):
        for kind in ("delighter", "disappointer"):
            if kind in text:
                return kind
    return "event"


def _code(text: str) -> str:
    if not text:
        return "(none)"
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


# ---- scenario rankings ------------------------------------------------------------------------


def _rankings(rankings: dict[str, Any]) -> list[str]:
    objective = rankings["objective"]
    label = {**dict(_METRICS), "roi": "ROI"}.get(objective, objective)
    old = {row["scenario"]: row for row in rankings["old"]}
    new = {row["scenario"]: row for row in rankings["new"]}
    names = [*new, *(n for n in old if n not in new)]
    moved = [n for n in names if old.get(n, {}).get("rank") != new.get(n, {}).get("rank")]
    if not names:
        return []
    if not moved:
        order = " > ".join(f"`{n}`" for n in new)
        return [f"**Scenarios:** ranking by {label} unchanged ({order}).", ""]
    currency = rankings.get("currency", "")
    lines = [
        f"**Scenarios whose ranking changed** (by effect on {label})",
        "",
        "| scenario | rank before | rank after | effect before | effect after |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in moved:
        before, after = old.get(name), new.get(name)
        lines.append(
            f"| `{name}` | {_rank(before)} | {_rank(after)} "
            f"| {_effect(objective, before, currency)} | {_effect(objective, after, currency)} |"
        )
    return [*lines, ""]


def _money(rankings: dict[str, Any]) -> str:
    """Whether the new version's best scenario pays for itself within the horizon, and when."""
    from .decisions_text import money_first
    from .duration import horizon

    return money_first(rankings["new"], horizon(rankings["horizon_days"]))


def _rank(row: dict[str, Any] | None) -> str:
    return "—" if row is None else str(row["rank"])


def _effect(objective: str, row: dict[str, Any] | None, currency: str) -> str:
    if row is None:
        return "—"
    return _interval(objective, row["effect"], currency, sign=True)
