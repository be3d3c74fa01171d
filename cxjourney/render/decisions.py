"""What decides the answer, for the report: sensitivity to the assumptions, and drivers.

Both come from the decision analyses (`cxjourney.decide`). Sensitivity travels inside
the results (`simulate --sensitivity --format json`: a range and a "rank holds" per
scenario, and the effect in every setting); drivers are their own document
(`drivers --format json`), given to the report with `--drivers`. A shape this module
does not recognise is still shown, as plain tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .charts import Row, interval_chart
from .escape import markup
from .page import Section, money, records_section, section, signed_percent, table, triple
from .table import fmt_interval

#: How each objective's effect reads on an axis.
FORMATS: dict[str, Callable[[float], str]] = {
    "nps": lambda v: f"{v:+.1f}",
    "satisfaction": lambda v: f"{v:+.2f}",
    "retention": lambda v: f"{v * 100:+.1f} pt",
    "revenue": lambda v: money(v, signed=True),
    "roi": signed_percent,
}
MOST_DRIVERS = 12


def _fmt(objective: str) -> Callable[[float], str]:
    return FORMATS.get(objective, lambda v: f"{v:+.3g}")


def sensitivity_section(
    results: dict[str, Any],
    labels: dict[str, str],
    colours: dict[str, str],
    svg: Callable[[str], str],
) -> Section:
    """The range of each scenario's effect over the assumptions, and whether its rank holds.

    `svg` turns a standalone SVG into inline markup (the report's `inline_svg`).
    """
    top = results.get("sensitivity")
    ranges = {
        sid: entry["sensitivity"]
        for sid, entry in results["scenarios"].items()
        if isinstance(entry.get("sensitivity"), dict)
    }
    if not top and not ranges:
        return None
    settings = top.get("settings") if isinstance(top, dict) else None
    if not ranges or not _settings_ok(settings):
        return records_section("sensitivity", "Sensitivity", top or ranges)
    objective = str(top.get("objective", "effect"))
    fmt = _fmt(objective)
    own = next((r for r in settings if r.get("assumption") is None), settings[0])
    rows = [
        Row(
            labels.get(sid, sid),
            colours.get(sid, "#333333"),
            (own["effects"].get(sid) or {}).get("mean"),
            ranges[sid].get("low"),
            ranges[sid].get("high"),
        )
        for sid in ranges
    ]
    chart = interval_chart(f"Effect on {objective} across the assumptions", rows, fmt)
    head = ["setting", *(markup(labels.get(sid, sid)) for sid in ranges)]
    body = [
        [markup(str(r.get("setting", "")))]
        + [_effect(r["effects"].get(sid), fmt, r.get("ranking", []), sid) for sid in ranges]
        for r in settings
    ]
    body.append(
        ["<b>rank holds</b>"]
        + [markup("yes" if ranges[sid].get("rank_holds") else "no") for sid in ranges]
    )
    note = (
        "Each assumption that can flip the ranking is moved to the ends of its plausible "
        "range, one at a time (negativity 1.3–2.25, the three memory rules, adaptation "
        "0–40%), on the same seed. Bar: the lowest to the highest mean effect over the "
        "settings; dot: the effect with the file's own assumptions. A rank holds when it "
        "is the same in every setting; the number after each effect is its rank."
    )
    return section(
        "sensitivity",
        "Sensitivity to the assumptions",
        f'<figure class="chart single">{svg(chart)}</figure>'
        f'<p class="note">{markup(note)}</p>{table(head, body)}',
    )


def _settings_ok(settings: Any) -> bool:
    return (
        isinstance(settings, list)
        and bool(settings)
        and all(isinstance(r, dict) and isinstance(r.get("effects"), dict) for r in settings)
    )


def _effect(value: Any, fmt: Callable[[float], str], ranking: list, sid: str) -> str:
    if not isinstance(value, dict) or value.get("mean") is None:
        return "–"
    rank = f" <small>#{ranking.index(sid) + 1}</small>" if sid in ranking else ""
    return markup(fmt(value["mean"])) + rank


def drivers_section(
    drivers: dict[str, Any] | None, results: dict[str, Any], svg: Callable[[str], str]
) -> Section:
    """Touchpoints and owners ranked by what a standard improvement does to the objective."""
    if drivers is None:
        return records_section("drivers", "Drivers", results.get("drivers"))
    objective = str(drivers.get("objective", "effect"))
    fmt = _fmt(objective)
    touchpoints = drivers["touchpoints"][:MOST_DRIVERS]
    rows = [
        Row(str(r.get("label") or r.get("touchpoint")), "#0072b2", *triple(r["effect"]))
        for r in touchpoints
    ]
    chart = interval_chart(f"Effect on {objective} of improving one touchpoint", rows, fmt)
    owners = [
        [
            markup(str(r.get("owner", ""))),
            markup(fmt_interval(objective, r["effect"], signed=True)),
            markup(str(r.get("verdict", ""))),
        ]
        for r in drivers.get("owners", [])
        if isinstance(r, dict) and isinstance(r.get("effect"), dict)
    ]
    improvement = drivers.get("improvement", {})
    described = ", ".join(
        f"{markup(str(k))} {markup(str(v))}" for k, v in improvement.items() if k != "levers"
    )
    note = (
        f"Each touchpoint in turn gets the same improvement ({described}), simulated "
        f"against the baseline on the same random numbers; seed {drivers.get('seed')}, "
        f"{drivers.get('replications')} replications. Each owner gets all of its "
        "touchpoints improved at once."
    )
    body = f'<figure class="chart single">{svg(chart)}</figure><p class="note">{note}</p>'
    if owners:
        body += "<h3>Owners</h3>" + table(["owner", "effect", "verdict"], owners)
    return section("drivers", "Drivers", body)


def drivers_problem(drivers: Any) -> str | None:
    """Why `drivers` is not a drivers document, or None when it is one."""
    if not isinstance(drivers, dict) or not isinstance(drivers.get("touchpoints"), list):
        return "it has no 'touchpoints' list (make it with: cxjourney drivers FILE --format json)"
    for row in drivers["touchpoints"]:
        effect = row.get("effect") if isinstance(row, dict) else None
        if not isinstance(effect, dict) or not {"mean", "low", "high"} <= set(effect):
            return "each touchpoint needs an 'effect' with mean, low and high"
        if any(v is not None and not isinstance(v, int | float) for v in triple(effect)):
            return "effects must be numbers or null"
    return None


def unknowns_section(results: dict[str, Any], svg: Callable[[str], str]) -> Section:
    """What the team does not know: the value of information in words and a table, and the
    tornado chart; None when the file has no range of belief (the report is unchanged)."""
    from .tornado import information_text, tornado_svg, tornado_text

    doc = results.get("unknowns")
    if not doc or not doc.get("inputs"):
        return None
    body = ""
    if "value_of_information" in doc:
        lines = information_text(doc)
        gap = lines.index("") if "" in lines else len(lines)
        body += "".join(f"<p>{markup(line)}</p>" for line in lines[:gap])
        body += _pre(lines[gap + 1 :])
    if "tornado" in doc:
        body += f'<figure class="chart wide">{svg(tornado_svg(doc))}</figure>'
        body += _pre(tornado_text(doc))
    return section("unknowns", "What the team does not know", body)


def _pre(lines: list[str]) -> str:
    """Text tables as the command line prints them (aligned, escaped)."""
    return f"<pre>{markup(chr(10).join(lines))}</pre>" if lines else ""
