"""The report's charts as SVG: intervals per scenario, and retention over time.

Intervals are drawn as a dot (the mean) on a bar (the 95% interval) against a zero
line, so "does the interval cross zero" is visible at a glance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import svg
from .escape import wrap
from .retention import Retention

WIDTH = 520
LABEL = 180
ROW = 40
RETENTION_WIDTH = 720


@dataclass(frozen=True)
class Row:
    label: str
    colour: str
    mean: float | None
    low: float | None
    high: float | None


def interval_chart(title: str, rows: list[Row], fmt: Callable[[float], str]) -> str:
    """A forest plot: one row per scenario, the interval as a bar, zero as a line."""
    known = [r for r in rows if r.mean is not None]
    values = [0.0] + [v for r in known for v in (r.mean, r.low, r.high) if v is not None]
    ticks = svg.ticks(min(values), max(values), 5)
    low, high = ticks[0], ticks[-1]
    top = 36
    # every label in full: a row grows with the lines its label needs
    wrapped = [wrap(r.label, 24) or [""] for r in rows]
    heights = [max(ROW, 14 * len(w) + 12) for w in wrapped]
    centres = [top + sum(heights[:i]) + h / 2 for i, h in enumerate(heights)]
    height = top + (sum(heights) if rows else ROW) + 36
    plot_right = WIDTH - 64

    def x(v: float) -> float:
        return LABEL + (plot_right - LABEL) * (v - low) / (high - low)

    body = [svg.text(0, 17, title, font_size=15, font_weight="bold")]
    for t in ticks:
        body.append(svg.tag("line", x1=x(t), x2=x(t), y1=top - 6, y2=height - 28, stroke="#e3e3e3"))
        body.append(
            svg.text(x(t), height - 10, fmt(t), font_size=11, text_anchor="middle", fill="#555555")
        )
    body.append(
        svg.tag(
            "line", x1=x(0), x2=x(0), y1=top - 8, y2=height - 26, stroke="#222222", stroke_width=1.2
        )
    )
    for i, row in enumerate(rows):
        cy = centres[i]
        count = len(wrapped[i])
        first = cy + 4 - 14 * (count - 1) / 2
        body.append(svg.lines(LABEL - 8, first, row.label, 24, count, 12, text_anchor="end"))
        if row.mean is None:
            body.append(svg.text(x(0) + 6, cy + 4, "not defined", font_size=10, fill="#777777"))
            continue
        parts = []
        if row.low is not None and row.high is not None:
            parts.append(
                svg.tag(
                    "line",
                    x1=x(row.low),
                    x2=x(row.high),
                    y1=cy,
                    y2=cy,
                    stroke=row.colour,
                    stroke_width=6,
                    stroke_linecap="round",
                    stroke_opacity=0.45,
                )
            )
        parts.append(
            svg.tag(
                "circle",
                cx=x(row.mean),
                cy=cy,
                r=5.5,
                fill=row.colour,
                stroke="#ffffff",
                stroke_width=1.5,
            )
        )
        parts.append(svg.text(plot_right + 8, cy + 4, fmt(row.mean), font_size=12, fill="#222222"))
        interval = (
            f" [{fmt(row.low)}, {fmt(row.high)}]"
            if row.low is not None and row.high is not None
            else ""
        )
        body.append(svg.titled("".join(parts), f"{row.label}: {fmt(row.mean)}{interval}"))
    return svg.document(WIDTH, height, "".join(body), title)


def retention_chart(
    title: str, retention: Retention, labels: dict[str, str], colours: dict[str, str]
) -> str:
    """Share of the time-0 customers still active, day 0 to the horizon, per scenario."""
    points = [p for series in retention.series.values() for p in series]
    lows = [p.low if p.low is not None else p.mean for p in points]
    lowest = min([*lows, 1.0])
    # every customer still active: the axis still needs a height, so it shows 90-100%
    ticks = svg.ticks(lowest if lowest < 1.0 else 0.9, 1.0, 5)
    low, high = ticks[0], 1.0
    horizon = max(p.day for p in points) or 1.0
    # the axis ends at the horizon: round ticks inside it, and the horizon itself
    day_ticks = [d for d in svg.ticks(0, horizon, 6) if d < horizon * 0.93] + [horizon]
    top, left, plot_right = 34, 56, RETENTION_WIDTH - 210
    plot_bottom = top + 220
    height = plot_bottom + 40

    def x(day: float) -> float:
        return left + (plot_right - left) * day / horizon

    def y(v: float) -> float:
        return top + (plot_bottom - top) * (high - v) / (high - low)

    body = [svg.text(0, 17, title, font_size=15, font_weight="bold")]
    for t in ticks:
        body.append(svg.tag("line", x1=left, x2=plot_right, y1=y(t), y2=y(t), stroke="#e3e3e3"))
        body.append(
            svg.text(
                left - 6,
                y(t) + 4,
                f"{t * 100:.0f}%",
                font_size=11,
                text_anchor="end",
                fill="#555555",
            )
        )
    for d in day_ticks:
        body.append(
            svg.text(
                x(d), plot_bottom + 16, f"{d:g}", font_size=11, text_anchor="middle", fill="#555555"
            )
        )
    body.append(
        svg.text(
            (left + plot_right) / 2,
            plot_bottom + 32,
            "days",
            font_size=11,
            text_anchor="middle",
            fill="#555555",
        )
    )
    body.append(
        svg.tag("line", x1=left, x2=plot_right, y1=plot_bottom, y2=plot_bottom, stroke="#222222")
    )
    legend_y = top
    # the baseline's interval as a band (each scenario's own interval is in its tooltip:
    # their differences from the baseline are charted, paired, in the comparison), then
    # the lines, the baseline last and darkest so that scenarios lying on it never hide it
    order = [n for n in retention.series if n != "baseline"]
    order += ["baseline"] if "baseline" in retention.series else []
    for name in order[-1:]:
        series = retention.series[name]
        banded = [p for p in series if p.low is not None and p.high is not None]
        if len(banded) > 1:
            outline = [f"{x(p.day):.1f},{y(p.high):.1f}" for p in banded]
            outline += [f"{x(p.day):.1f},{y(p.low):.1f}" for p in reversed(banded)]
            body.append(
                svg.tag(
                    "polygon",
                    points=" ".join(outline),
                    fill=colours.get(name, "#333333"),
                    fill_opacity=0.15,
                    stroke="none",
                )
            )
    for name in order:
        series = retention.series[name]
        colour = colours.get(name, "#333333")
        baseline = name == "baseline"
        path = " ".join(f"{x(p.day):.1f},{y(p.mean):.1f}" for p in series)
        dash = None if retention.simulated else "5 4"
        parts = [
            svg.tag(
                "polyline",
                points=path,
                fill="none",
                stroke=colour,
                stroke_width=3.2 if baseline else 2.2,
                stroke_dasharray=dash,
                class_="retention",
                data_scenario=name,
            )
        ]
        for p in series:
            interval = (
                f" [{p.low * 100:.1f}%, {p.high * 100:.1f}%]"
                if p.low is not None and p.high is not None
                else ""
            )
            parts.append(
                svg.titled(
                    svg.tag("circle", cx=x(p.day), cy=y(p.mean), r=2.2, fill=colour),
                    f"{labels.get(name, name)}: day {p.day:g}: {p.mean * 100:.1f}%{interval}",
                )
            )
        body.append("".join(parts))
    for name in retention.series:
        colour = colours.get(name, "#333333")
        body.append(
            svg.tag(
                "line",
                x1=plot_right + 16,
                x2=plot_right + 36,
                y1=legend_y,
                y2=legend_y,
                stroke=colour,
                stroke_width=3,
            )
        )
        label = labels.get(name, name)
        count = len(wrap(label, 24)) or 1
        body.append(svg.lines(plot_right + 42, legend_y + 4, label, 24, count, 12))
        legend_y += 16 + 14 * count
    return svg.document(RETENTION_WIDTH, max(height, legend_y + 10), "".join(body), title)
