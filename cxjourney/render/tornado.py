"""The tornado and the value of information, in words and as an SVG chart.

Draws the plain document of `decide/uncertainty.document`: which of the team's unknowns
moves the answer most, and what knowing each exactly would be worth.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..language.spelling import ranged
from ..safe_text import printable
from .table import fmt_effect, grid

_WHAT = {"chance": "chance", "impact": "impact", "cost": "cost"}


def objective_name(objective: str) -> str:
    return {"nps": "NPS", "roi": "ROI"}.get(objective, objective)


def unit_words(objective: str) -> str:
    return {
        "nps": "NPS points",
        "satisfaction": "rating points",
        "retention": "percentage points of retention",
    }.get(objective, "")


def _amount(objective: str, x: float, currency: str) -> str:
    """An unsigned amount in the objective's units: "2.1 NPS points", "1,200 GBP"."""
    if objective in ("revenue", "roi"):
        return f"{x:,.0f} {currency}"
    if objective == "retention":
        return f"{x * 100:.1f} percentage points of retention"
    digits = 2 if objective == "satisfaction" else 1
    return f"{x:.{digits}f} {unit_words(objective)}"


def _swing(objective: str, x: float, currency: str) -> str:
    """A bar's swing in the units of its ends: ROI's in percentage points of ROI (the
    value of information's ROI is money, `_amount`)."""
    if objective == "roi":
        return f"{x * 100:.0f} percentage points of ROI"
    return _amount(objective, x, currency)


def written_range(item: dict[str, Any], currency: str = "") -> str:
    """An input's range as a person reads it, as it would be written: "5% .. 15%" (a
    chance or a share), "+1 .. +3" (an impact or a shift, in points), "40,000 .. 60,000
    GBP" (a cost or a spend), "3.5 .. 4.2" (a rating of 1 to 5, or a plain number),
    "20 days .. 40 days" (a time, both ends in one unit), "30 .. 50 per week" (a rate),
    "×0.5 .. ×0.8" (a scenario's factor)."""
    low, high = item["low"], item["high"]
    what = item["what"]
    if what in ("chance", "percent"):
        return f"{low * 100:g}% .. {high * 100:g}%"
    if what in ("cost", "spend"):
        ends = f"{low:,.0f} .. {high:,.0f}" if min(low, high) >= 100 else f"{low:,g} .. {high:,g}"
        return f"{ends} {currency}".rstrip()
    if what in ("expect", "delivers", "number"):
        return f"{low:g} .. {high:g}"
    if what in ("patience", "duration"):
        return ranged("duration", low, high)
    if what == "rate":
        return ranged("rate", low, high)
    if what == "factor":  # a scenario's `*= 0.6 .. 0.8`
        return f"×{low:g} .. ×{high:g}"
    return f"{low:+g} .. {high:+g}"


def _effect(objective: str, value: dict[str, Any], currency: str) -> str:
    text = fmt_effect(objective, value)
    if objective == "nps" and text != "–":
        return f"{text} pts"
    if objective == "revenue" and text != "–":
        return f"{text} {currency}"
    return text


def tornado_text(doc: dict[str, Any]) -> list[str]:
    chart = doc["tornado"]
    objective, currency = chart["objective"], doc["currency"]
    lines = [
        f"Tornado: the change in {objective_name(objective)} from '{chart['scenario']}' "
        f"({chart['label']}), "
        f"one unknown at a time at each end of its range, the others at their middle "
        f"({chart['replications']} replication{'s' if chart['replications'] != 1 else ''} "
        "per end, paired with the baseline)",
        f"every unknown at its middle: {_effect(objective, chart['middle'], currency)}",
        "",
    ]
    rows = [["unknown", "range", "at low end", "at high end", "swing"]]
    for bar in chart["bars"]:
        rows.append(
            [
                bar["input"],
                written_range(bar, currency),
                _effect(objective, bar["at_low"], currency),
                _effect(objective, bar["at_high"], currency),
                _swing(objective, bar["swing"], currency) if bar["swing"] else "none",
            ]
        )
    lines += grid(rows, right={2, 3, 4})
    return lines


def _worth(
    info: dict[str, Any], objective: str, key: str, on: str, currency: str
) -> tuple[str, bool]:
    """One sentence on what knowing the unknowns is worth on one value; True if anything."""
    total = info["evpi_money" if key == "evppi_money" else "evpi"]
    unit = "roi" if key == "evppi_money" else objective
    if _amount(unit, total, currency) == _amount(unit, 0.0, currency):
        return f"On {on}, knowing every unknown exactly would not change the choice.", False
    sentence = (
        f"On {on}, knowing every unknown exactly before choosing would be worth about "
        f"{_amount(unit, total, currency)} on average (expected value of perfect information)"
    )
    top = max(info["partial"], key=lambda p: p[key], default=None)
    if top is not None and _amount(unit, top[key], currency) != _amount(unit, 0.0, currency):
        sentence += (
            f"; measure {top['input']} first: knowing it alone is worth about "
            f"{_amount(unit, top[key], currency)}"
        )
    return sentence + ".", True


def _option(name: str) -> str:
    return "doing nothing" if name == "baseline" else f"'{name}'"


def information_text(doc: dict[str, Any]) -> list[str]:
    info = doc["value_of_information"]
    objective, currency = info["objective"], doc["currency"]
    n = info["replications"]
    money = "net money (Δrevenue − cost)"
    on = money if objective == "roi" else objective_name(objective)
    if not info.get("enough", True):
        return [
            f"Value of information: not estimated. {n} replications are too few to tell "
            "what the unknowns do from what chance does: the fit needs at least "
            f"{info['needed']} for these options and unknowns. Run again with "
            f"-n {info['needed']} (or leave the count to the tool) to learn which guess "
            "is worth measuring."
        ]
    lines = [
        f"Value of information: estimated from {n} replications, each drawing every "
        "unknown once from its range",
    ]
    best = f"Best with what is known now: {_option(info['chosen_money'])} on {money}"
    if objective != "roi":
        best = (
            f"Best with what is known now: {_option(info['chosen'])} on {on}, "
            f"{_option(info['chosen_money'])} on {money}"
        )
    lines.append(best + ".")
    worth_anything = False
    keys = (
        [("evppi_money", money)] if objective == "roi" else [("evppi", on), ("evppi_money", money)]
    )
    for key, words in keys:
        sentence, some = _worth(info, objective, key, words, currency)
        lines.append(sentence)
        worth_anything = worth_anything or some
    if not worth_anything:
        lines.append("Nothing here is worth measuring before deciding.")
    lines.append("")
    rows = [["unknown", "range", f"worth knowing ({on})", f"worth knowing ({currency})"]]
    for p in info["partial"]:
        rows.append(
            [
                p["input"],
                written_range(p, currency),
                _amount(objective, p["evppi"], currency) if objective != "roi" else "–",
                _amount("roi", p["evppi_money"], currency),
            ]
        )
    lines += grid(rows, right={2, 3})
    lines.append(
        f"Each unknown's worth comes from lines fitted on {n} replications: an estimate; "
        "more replications make it steadier."
    )
    return lines


def uncertainty_text(doc: dict[str, Any]) -> str:
    inputs = doc["inputs"]
    head = (
        f"What the team does not know: {doc['journey']} ({len(inputs)} "
        f"unknown{'s' if len(inputs) != 1 else ''}, seed {doc['seed']})"
    )
    lines = [head, ""]
    if not inputs:
        lines.append(
            "The file has no range of belief: write one where the team is unsure, e.g. "
            "`impact +1 .. +3`, `chance 5% .. 15%`, `cost 40k .. 60k`."
        )
        return printable("\n".join(lines) + "\n")
    if "tornado" in doc:
        lines += [*tornado_text(doc), ""]
    if "value_of_information" in doc:
        lines += information_text(doc)
    return printable("\n".join(lines).rstrip("\n") + "\n")


# ---- the chart -------------------------------------------------------------------------------

_ROW, _LABEL, _BAR, _PAD = 26, 220, 360, 16


def tornado_svg(doc: dict[str, Any]) -> str:
    """A tornado as a self-contained SVG: one bar per unknown, from its low end's effect to
    its high end's, around the line of the effect with every unknown at its middle."""
    chart = doc["tornado"]
    objective, currency = chart["objective"], doc["currency"]
    bars = chart["bars"]
    values = [chart["middle"].get("mean") or 0.0]
    for b in bars:
        values += [v for v in (b["at_low"].get("mean"), b["at_high"].get("mean")) if v is not None]
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    width = _LABEL + _BAR + 2 * _PAD + 120
    height = _PAD * 2 + 40 + _ROW * max(len(bars), 1)

    def x(v: float) -> float:
        return _LABEL + _PAD + (v - lo) / (hi - lo) * _BAR

    title = (
        f"Change in {objective_name(objective)} from {chart['scenario']}: "
        "which unknown moves it most"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="{_PAD}" y="{_PAD + 4}" font-weight="bold">{escape(title)}</text>',
    ]
    middle = chart["middle"].get("mean") or 0.0
    top = _PAD + 24
    for i, b in enumerate(bars):
        y = top + i * _ROW
        a, c = b["at_low"].get("mean"), b["at_high"].get("mean")
        a = middle if a is None else a
        c = middle if c is None else c
        left, right = sorted((a, c))
        label = f"{b['input']} ({written_range(b)})"
        parts.append(
            f'<text x="{_LABEL + _PAD - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        # low end in blue, high end in orange: which end of the range pushes which way
        for start, end, colour in ((a, middle, "#4e79a7"), (c, middle, "#f28e2b")):
            s, e = sorted((x(start), x(end)))
            parts.append(
                f'<rect x="{s:.1f}" y="{y + 4}" width="{max(e - s, 0.5):.1f}" height="{_ROW - 8}" '
                f'fill="{colour}"/>'
            )
        words = f"{_effect(objective, {'mean': left}, currency)} to "
        words += _effect(objective, {"mean": right}, currency)
        parts.append(f'<text x="{_LABEL + _PAD + _BAR + 8}" y="{y + 15}">{escape(words)}</text>')
    xm = x(middle)
    parts.append(
        f'<line x1="{xm:.1f}" y1="{top}" x2="{xm:.1f}" y2="{top + _ROW * max(len(bars), 1)}" '
        'stroke="#333" stroke-dasharray="3,3"/>'
    )
    parts.append(
        f'<text x="{xm:.1f}" y="{height - 6}" text-anchor="middle">every unknown at its middle: '
        f"{escape(_effect(objective, chart['middle'], currency))}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
