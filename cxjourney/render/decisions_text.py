"""Decisions as text and CSV: what a CX team reads, and what a spreadsheet takes.

The documents of `cxjourney.decide` (compare, drivers, optimize, sensitivity) are read
as data; every word and number of the tables is written here.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from itertools import combinations
from typing import Any

from ..results import Interval, IntervalLike
from ..sim import stats
from .duration import horizon
from .forecast_text import assumed_lines
from .table import amount, fmt_effect, fmt_interval, grid, percent, verdict_line
from .tornado import information_text, tornado_text


def header(doc: dict[str, Any]) -> str:
    text = (
        f"{doc['journey']}: {stats.replication_count(doc['replications'])}, seed {doc['seed']}, "
        f"horizon {horizon(doc['horizon_days'])}"
    )
    if "sequential" in doc:
        text += "\n" + sequential_line(doc["sequential"])
    return text


def level_words(doc: dict[str, Any]) -> str:
    level = doc.get("sequential", {}).get("level", 0.95)
    return f"{level * 100:.1f}%" if level != 0.95 else "95%"


def sequential_line(note: dict[str, Any]) -> str:
    """How an adaptive run stopped, and what its intervals mean."""
    n, top = note["replications"], note["maximum"]
    looks = note["looks"]
    if "precision_met" in note:
        why = (
            f"every interval at most ±{note['precision']:g}"
            if note["precision_met"]
            else f"stopped at the maximum of {top} replications; half-width "
            f"±{note['half_width']:.3g}, wider than the ±{note['precision']:g} asked"
        )
    else:
        why = (
            "every verdict settled"
            if note.get("settled")
            else f"stopped at the maximum of {top}; some verdicts are not settled"
        )
    text = f"adaptive: {stats.replication_count(n)} of at most {top} ({why}; looks at "
    text += ", ".join(str(x) for x in looks) + ")"
    if "level" in note:
        text += (
            f"; intervals and verdicts at the {note['level'] * 100:.1f}% level, so that over "
            f"{len(looks)} looks the chance of a wrong verdict stays under 5%"
        )
    return text


# ---- money first -----------------------------------------------------------------------
#: Beyond this a projection at one month's pace says nothing: churn, adaptation and
#: prices will have changed long before.
DISTANT_MONTHS = 120


def months_words(x: float) -> str:
    """Months as a person says them: "4.2 months", "1 month", "about 30 months"."""
    if x >= 24:
        return f"{x:,.0f} months"
    text = f"{x:.1f}"
    return "1 month" if text == "1.0" else f"{text} months"


def payback_words(pay: dict[str, Any] | None) -> str:
    """When an option pays for itself: "pays for itself in 4.2 months (95%: 3.1 to 5.6)",
    at the run's level (an adaptive run's is higher than 95%);
    or "does not pay for itself within the horizon; at the rate of its last month, in
    about 14 months"; or "...; never at this rate"."""
    if not pay:
        return "has no payback figure (its revenue series was not kept)"
    if pay["pays_back"]:
        if pay["cost"] <= 0:
            return "costs nothing, so there is nothing to pay back"
        m = pay["months"]
        text = f"pays for itself in {months_words(m['mean'])}"
        level = f"{pay.get('level', 0.95) * 100:.1f}".removesuffix(".0") + "%"
        if m.get("low") is not None and m.get("high") is not None:
            return text + f" ({level}: {m['low']:.1f} to {m['high']:.1f} months)"
        if m.get("low") is not None:
            return text + f" ({level}: {m['low']:.1f} months to beyond the horizon)"
        return text
    text = "does not pay for itself within the horizon"
    projected = pay.get("projected_months")
    if projected is None:
        return text + "; never at this rate (its last month's revenue gain is not positive)"
    if projected > DISTANT_MONTHS:
        return text + "; at the rate of its last month, not within 10 years"
    return text + f"; at the rate of its last month, in about {months_words(projected)}"


def buys_words(delta: dict[str, Any] | None) -> str:
    """What an option buys besides money: its NPS and retention changes."""
    if not delta:
        return "no measured change"
    parts = []
    for metric, unit in (("nps", " NPS"), ("retention", " retention")):
        value = delta.get(metric)
        if value and value.get("mean") is not None:
            parts.append(fmt_interval(metric, value, signed=True) + unit)
    return ", ".join(parts) or "no measured change"


def money_first(
    options: list[dict[str, Any]], horizon_text: str, recommended: str = "Recommended"
) -> str:
    """The headline's first sentence: whether the recommended option (the first) pays for
    itself within the horizon, and when; when none does, that first, and what each buys.

    Each option: {"scenario", "payback", "delta"} (delta: metric -> interval).
    """
    if not options:
        return "There is no option to invest in."
    top = options[0]
    if payback_paid(top):
        return (
            f"{recommended}: {top['scenario']} {payback_words(top['payback'])}, "
            f"within the horizon of {horizon_text}."
        )
    # a free option has nothing to pay back: it is no answer to "what pays for itself"
    paying = [o for o in options if payback_paid(o) and o["payback"]["cost"] > 0]
    if paying:
        other = paying[0]
        return (
            f"{recommended}: {top['scenario']} {payback_words(top['payback'])} "
            f"(horizon {horizon_text}), but {other['scenario']} {payback_words(other['payback'])}."
        )
    shown = [o for o in options if (o.get("payback") or {}).get("cost", 1) > 0][:3] or options[:1]
    buys = "; ".join(f"{o['scenario']} {buys_words(o.get('delta'))}" for o in shown)
    late = ", ".join(f"{o['scenario']} {_later(o['payback'])}" for o in shown if o.get("payback"))
    return (
        f"None of the options pays for itself within the horizon of {horizon_text}; "
        f"at the rate of their last month, {late}. What they buy instead: {buys}."
    )


def money_options(results: dict[str, Any]) -> list[dict[str, Any]]:
    """compare's ranking as the options of `money_first`, the recommended one first."""
    return [
        {
            "scenario": row["scenario"],
            "payback": row.get("payback"),
            "delta": results["scenarios"].get(row["scenario"], {}).get("delta"),
        }
        for row in results["ranking"]
    ]


def evidence_lines(ranking: list[dict[str, Any]]) -> list[str]:
    """Effects larger than the evidence can carry, and the number that drives each."""
    lines = []
    for row in ranking:
        found = row.get("evidence")
        if not found:
            continue
        without = found.get("without")
        rest = "" if without is None else f" (without it, {without:+.1f})"
        lines.append(
            f"check the evidence: {row['scenario']} moves NPS by {found['nps']:+.1f} points, more "
            f"than the {found['threshold']:g} a single change has been seen to move it "
            f"(docs/model.md); the number that drives it: {found['driver']}{rest}"
        )
    return ["", *lines] if lines else []


def payback_paid(option: dict[str, Any]) -> bool:
    pay = option.get("payback")
    return bool(pay and pay.get("pays_back"))


def _later(pay: dict[str, Any]) -> str:
    projected = pay.get("projected_months")
    if projected is None:
        return "never"
    if projected > DISTANT_MONTHS:
        return "not within 10 years"
    return f"in about {months_words(projected)}"


#: Where the analysis of what the team does not know (uncertain inputs: the tornado and
#: the value of information) will be said, once the inputs can be uncertain: one place
#: for compare, optimize and the report.
def unknowns_lines(doc: dict[str, Any]) -> list[str]:
    """What the team does not know (the file's ranges of belief): the tornado and the value
    of information; empty when the document has no "unknowns" part (no range in the file)."""
    unknowns = doc.get("unknowns")
    if not unknowns:
        return []
    lines = ["", "What the team does not know (the file's ranges of belief):"]
    if "value_of_information" in unknowns:
        lines += [f"  {line}" if line else "" for line in information_text(unknowns)]
    if "tornado" in unknowns:
        lines += ["", *(f"  {line}" if line else "" for line in tornado_text(unknowns))]
    return lines


def worth_lines(doc: dict[str, Any]) -> list[str]:
    """The value of information's sentences alone (what to measure first), for a summary."""
    unknowns = doc.get("unknowns")
    if not unknowns or "value_of_information" not in unknowns:
        return []
    lines = information_text(unknowns)
    if len(lines) == 1:  # not estimated: the one sentence says why and what to run
        return lines
    return lines[1 : lines.index("")] if "" in lines else lines[1:]


def ranges_line(doc: dict[str, Any]) -> list[str]:
    """One line when the file has ranges of belief: its intervals carry them too."""
    unknowns = doc.get("unknowns")
    if not unknowns or not unknowns.get("inputs"):
        return []
    return [ranges_sentence(len(unknowns["inputs"]))]


def ranges_sentence(count: int) -> str:
    return (
        f"Intervals include what the team does not know: each replication drew the file's "
        f"{count} range{'s' if count != 1 else ''} of belief once, as well as chance."
    )


def _gap_words(gap: IntervalLike, replications: int) -> str:
    word = stats.verdict(gap, replications, "ahead", "behind")
    if word == "not distinguishable":
        return f"not distinguishable at {replications} replications"
    return word


# ---- compare ---------------------------------------------------------------------------
def compare_text(results: dict[str, Any], sensitivity: dict[str, Any] | None = None) -> str:
    objective = results["objective"]
    n = results["replications"]
    ranking = results["ranking"]
    lines = [
        *([money_first(money_options(results), horizon(results["horizon_days"]))] * bool(ranking)),
        header(results),
        f"Scenarios ranked by their effect on {objective} "
        f"(change from the baseline, {level_words(results)} intervals, common random numbers)",
        *ranges_line(results),
        *assumed_lines(results),
        "",
    ]
    if not ranking:
        return "\n".join([*lines, "The journey has no scenarios to compare."]) + "\n"
    roi_column = objective != "roi"  # with --objective roi the change is the ROI itself
    rows = [["rank", "scenario", "cost", f"{objective} change", *(["ROI"] * roi_column), "verdict"]]
    for row in ranking:
        rows.append(
            [
                str(row["rank"]),
                row["scenario"],
                amount(row["cost"]),
                fmt_effect(objective, row["effect"]),
                *([fmt_effect("roi", row["roi"])] * roi_column),
                row["verdict"],
            ]
        )
    lines += grid(rows, right={0, 2, 3, 4} if roi_column else {0, 2, 3})
    lines.append("")
    for row in ranking:
        lines.append(f"{verdict_line(row, objective, n)}  ({row['label']})")
    lines += evidence_lines(ranking)
    lines += unknowns_lines(results)
    leads = [row for row in ranking if "lead" in row]
    if leads:
        lines += ["", "Each scenario against the next one down (paired differences):"]
        for row in leads:
            lead = row["lead"]
            lines.append(
                f"  {row['scenario']} vs {lead['over']}: {fmt_effect(objective, lead)} "
                f"{objective}, {_gap_words(lead, n)}"
            )
    if sensitivity is not None:
        lines += ["", sensitivity_text(sensitivity, n).rstrip("\n")]
    return "\n".join(lines) + "\n"


def compare_csv(results: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        (
            "rank",
            "scenario",
            "label",
            "cost",
            "effect_mean",
            "effect_low",
            "effect_high",
            "roi_mean",
            "roi_low",
            "roi_high",
            "verdict",
            "sensitivity_low",
            "sensitivity_high",
            "rank_holds",
        )
    )
    for row in results["ranking"]:
        sens = results["scenarios"][row["scenario"]].get("sensitivity", {})
        writer.writerow(
            (
                row["rank"],
                row["scenario"],
                row["label"],
                _num(row["cost"]),
                *_triple(row["effect"]),
                *_triple(row["roi"]),
                row["verdict"],
                _num(sens.get("low")),
                _num(sens.get("high")),
                "" if "rank_holds" not in sens else str(sens["rank_holds"]).lower(),
            )
        )
    return out.getvalue()


def _num(x: Any) -> str:
    return "" if x is None else repr(float(x))


def _triple(v: IntervalLike | None) -> tuple[str, str, str]:
    v = Interval.of(v)
    return _num(v.mean), _num(v.low), _num(v.high)


# ---- sensitivity -----------------------------------------------------------------------
def sensitivity_text(sens: dict[str, Any], replications: int) -> str:
    """The effect in every setting, each scenario's range, and the ranking in plain words."""
    objective = sens["objective"]
    settings = sens["settings"]
    if not settings:
        return "Sensitivity: the journey has no scenarios to rank.\n"
    # the columns in the order of the ranking as written, as in the table above them
    written = next((s for s in settings if s["assumption"] is None), settings[0])
    ids = [sid for sid in written["ranking"] if sid in sens["scenarios"]]
    ids += [sid for sid in sens["scenarios"] if sid not in ids]
    lines = [
        f"Sensitivity of the {objective} effect to the assumptions "
        f"(mean of {replications} replication{'s' if replications != 1 else ''}; rank in brackets)",
        "",
    ]
    rows = [["setting", *ids]]
    for s in settings:
        rows.append(
            [s["setting"]]
            + [
                f"{_mean(objective, s['effects'][sid])} ({s['ranking'].index(sid) + 1})"
                for sid in ids
            ]
        )
    rows.append(
        ["range"]
        + [
            f"{_mean(objective, Interval(sens['scenarios'][sid]['low']))} to "
            f"{_mean(objective, Interval(sens['scenarios'][sid]['high']))}"
            for sid in ids
        ]
    )
    rows.append(
        ["rank holds"] + ["yes" if sens["scenarios"][s]["rank_holds"] else "NO" for s in ids]
    )
    lines += grid(rows, right=set(range(1, len(ids) + 1)))
    short = [s for s in settings if s.get("precision_met") is False]
    if short:
        lines += [
            "",
            "Stopped at the maximum of replications before the precision was reached in: "
            + "; ".join(
                f"{s['setting']} ({s.get('replications')} replications; half-width "
                f"±{s['half_width']:.3g})"
                for s in short
            )
            + ".",
        ]
    lines += ["", *plain_words(sens)]
    return "\n".join(lines) + "\n"


def _mean(objective: str, value: IntervalLike) -> str:
    """The effect's mean alone, in the objective's units."""
    return fmt_effect(objective, Interval(Interval.of(value).mean))


def plain_words(sens: dict[str, Any]) -> list[str]:
    """Whether the ranking holds, and where it flips, in sentences."""
    settings = sens["settings"]
    first = settings[0]
    order = " > ".join(first["ranking"])
    if all(v["rank_holds"] for v in sens["scenarios"].values()):
        if len(first["ranking"]) == 1:
            return [f"Only {order} is ranked; its effect ranges as shown."]
        return [f"The ranking holds in every setting: {order}."]
    flipped = [s for s in settings[1:] if s["ranking"] != first["ranking"]]
    causes = list(dict.fromkeys(s["assumption"] for s in flipped))
    lines = [
        f"The ranking is NOT robust: it flips with {_and(causes)}.",
        f"{first['setting'].capitalize()}: {order}.",
    ]
    lines += [f"With {s['setting']}: {' > '.join(s['ranking'])}." for s in flipped]
    tops = Counter(s["ranking"][0] for s in settings)
    counts = [f"{sid} in {n}" for sid, n in tops.most_common()]
    lines.append(f"First place: {_and(counts)} of the {len(settings)} settings.")
    moved = [sid for sid, v in sens["scenarios"].items() if not v["rank_holds"]]
    if len(moved) < len(sens["scenarios"]):
        lines.append(f"Scenarios whose rank depends on the assumptions: {', '.join(moved)}.")
    return lines + _swaps(settings)


def _swaps(settings: list[dict[str, Any]]) -> list[str]:
    """For each pair that swaps places: is each order clear somewhere, or only noise?"""
    lines = []
    for a, b in combinations(settings[0]["ranking"], 2):
        if len({s["ranking"].index(a) < s["ranking"].index(b) for s in settings}) < 2:
            continue
        a_ahead = [_where(s) for s in settings if _clearly_ahead(s, a, b)]
        b_ahead = [_where(s) for s in settings if _clearly_ahead(s, b, a)]
        if a_ahead and b_ahead:
            lines.append(
                f"{a} is clearly ahead of {b} {_and(a_ahead)}, and {b} of {a} "
                f"{_and(b_ahead)}: the flip is not noise."
            )
        elif a_ahead or b_ahead:
            leader, other = (a, b) if a_ahead else (b, a)
            lines.append(
                f"{leader} is clearly ahead of {other} {_and(a_ahead or b_ahead)}; where "
                f"{other} leads, their intervals overlap, so that swap may be noise."
            )
        else:
            lines.append(
                f"{a} and {b} swap places, but their intervals overlap wherever either leads: "
                "the swap may be noise, and more replications may settle it."
            )
    return lines


def _clearly_ahead(setting: dict[str, Any], a: str, b: str) -> bool:
    """a's interval lies wholly above b's (conservative: the pairing is ignored)."""
    x, y = Interval.of(setting["effects"][a]), Interval.of(setting["effects"][b])
    if x.low is None or y.high is None:
        return False
    return x.low > y.high


def _where(setting: dict[str, Any]) -> str:
    """ "as written" for the file's own setting (no assumption moved), else "with ..."."""
    name = setting["setting"]
    return name if setting.get("assumption") is None else f"with {name}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# ---- drivers ---------------------------------------------------------------------------
def drivers_text(doc: dict[str, Any], improvement: str) -> str:
    objective = doc["objective"]
    lines = [
        header(doc),
        f"Drivers of {objective}: each touchpoint improved by {improvement}",
        f"(change from the baseline, {level_words(doc)} intervals; best and worst: share of "
        "journeys whose best or worst moment was there, in the baseline; a best moment below "
        "expectation is only the least bad)",
        "",
    ]
    rows = [["rank", "touchpoint", "owner", f"{objective} change", "verdict", "best", "worst"]]
    for n, row in enumerate(doc["touchpoints"], 1):
        rows.append(
            [
                str(n),
                row["touchpoint"],
                row["owner"],
                fmt_effect(objective, row["effect"]),
                row["verdict"],
                percent(row["peak_share"]),
                percent(row["trough_share"]),
            ]
        )
    lines += grid(rows, right={0, 3, 5, 6})
    lines += ["", "By owner (all of the owner's touchpoints improved together)", ""]
    rows = [["rank", "owner", "touchpoints", f"{objective} change", "verdict"]]
    for n, row in enumerate(doc["owners"], 1):
        rows.append(
            [
                str(n),
                row["owner"],
                ", ".join(row["touchpoints"]),
                fmt_effect(objective, row["effect"]),
                row["verdict"],
            ]
        )
    lines += grid(rows, right={0, 3})
    return "\n".join(lines) + "\n"


def drivers_csv(doc: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        (
            "level",
            "rank",
            "name",
            "owner",
            "effect_mean",
            "effect_low",
            "effect_high",
            "verdict",
            "peak_share",
            "trough_share",
        )
    )
    for n, row in enumerate(doc["touchpoints"], 1):
        writer.writerow(
            (
                "touchpoint",
                n,
                row["touchpoint"],
                row["owner"],
                *_triple(row["effect"]),
                row["verdict"],
                _num(row["peak_share"]),
                _num(row["trough_share"]),
            )
        )
    for n, row in enumerate(doc["owners"], 1):
        writer.writerow(
            (
                "owner",
                n,
                row["owner"],
                row["owner"],
                *_triple(row["effect"]),
                row["verdict"],
                "",
                "",
            )
        )
    return out.getvalue()


# ---- optimize --------------------------------------------------------------------------
def _combo(ids: list[str]) -> str:
    return " + ".join(ids) if ids else "nothing (the baseline)"


def optimize_text(doc: dict[str, Any]) -> str:
    objective = doc["objective"]
    n = doc["replications"]
    lines = [
        optimize_headline(doc),
        header(doc),
        f"Best combination for {objective} within a budget of {amount(doc['budget'])} "
        f"{doc['currency']} ({doc['search']} search, {doc['evaluated']} combinations simulated)",
        *ranges_line(doc),
        "",
    ]
    if doc["chosen"]:
        lines.append(f"chosen: {_combo(doc['chosen'])} (cost {amount(doc['cost'])})")
        lines.append(
            f"  {objective} change {fmt_effect(objective, doc['effect'])}: {doc['verdict']}"
            + (
                f" at {n} replication{'s' if n != 1 else ''}"
                if doc["verdict"] == "not distinguishable"
                else ""
            )
        )
        if objective != "roi":
            lines.append(f"  ROI {fmt_effect('roi', doc['roi'])}")
        for metric in ("satisfaction", "nps", "retention", "revenue"):
            if metric != objective and doc["delta"] and metric in doc["delta"]:
                lines.append(f"  {metric} change {fmt_effect(metric, doc['delta'][metric])}")
    else:
        lines.append(
            f"chosen: nothing. No affordable combination improves {objective} on average; "
            "keep the baseline."
        )
    if doc["runners_up"]:
        lines += ["", "runners-up (how far each trails the chosen set, paired)", ""]
        rows = [["combination", "cost", f"{objective} change", "behind the chosen by", "verdict"]]
        for row in doc["runners_up"]:
            behind = row["behind"]
            rows.append(
                [
                    _combo(row["chosen"]),
                    amount(row["cost"]),
                    fmt_effect(objective, row["effect"]),
                    fmt_effect(objective, behind),
                    _behind_words(behind, n),
                ]
            )
        lines += ["  " + line for line in grid(rows, right={1, 2, 3})]
    if doc["over_budget"]:
        lines += ["", f"over the budget on their own: {', '.join(doc['over_budget'])}"]
    lines += unknowns_lines(doc)
    lines += _skipped(doc["skipped"])
    return "\n".join(lines) + "\n"


def optimize_headline(doc: dict[str, Any]) -> str:
    """The first sentence: does the chosen set pay for itself within the horizon, and when."""
    options = [
        {
            "scenario": _combo(row["chosen"]),
            "payback": row.get("payback"),
            "delta": row.get("delta"),
        }
        for row in ([doc] if doc["chosen"] else []) + doc["runners_up"]
        if row["chosen"]
    ]
    if not doc["chosen"]:
        return (
            f"Recommended: spend nothing; no affordable combination improves {doc['objective']} "
            "on average, so there is nothing to pay back."
        )
    return money_first(options, horizon(doc["horizon_days"]))


def _skipped(skipped: list[dict[str, Any]], shown: int = 3) -> list[str]:
    """Combinations that cannot be built, grouped by reason, a few examples each."""
    by_reason: dict[str, list[str]] = {}
    for row in skipped:
        by_reason.setdefault(row["reason"], []).append(_combo(row["scenarios"]))
    lines = []
    for reason, combos in by_reason.items():
        more = f" and {len(combos) - shown} more" if len(combos) > shown else ""
        lines.append(f"cannot be combined ({reason}): {'; '.join(combos[:shown])}{more}")
    return lines


def _behind_words(behind: IntervalLike, replications: int) -> str:
    word = stats.verdict(behind, replications, "clearly behind", "ahead")
    if word == "not distinguishable":
        return f"not distinguishable at {replications} replications"
    return "" if word == "no value" else word


def optimize_csv(doc: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        (
            "rank",
            "scenarios",
            "cost",
            "effect_mean",
            "effect_low",
            "effect_high",
            "roi_mean",
            "roi_low",
            "roi_high",
        )
    )
    rows = [
        {"chosen": doc["chosen"], "cost": doc["cost"], "effect": doc["effect"], "roi": doc["roi"]}
    ]
    for n, row in enumerate([*rows, *doc["runners_up"]], 1):
        writer.writerow(
            (
                n,
                "+".join(row["chosen"]),
                _num(row["cost"]),
                *_triple(row["effect"]),
                *_triple(row["roi"]),
            )
        )
    return out.getvalue()
