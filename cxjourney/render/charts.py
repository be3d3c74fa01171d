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
    height = top + ROW * max(1, len(rows)) + 36
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
        cy = top + ROW * i + ROW / 2
        two = len(wrap(row.label, 24)) > 1
        body.append(
            svg.lines(LABEL - 8, cy - 3 if two else cy + 4, row.label, 24, 2, 12, text_anchor="end")
        )
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
    day_ticks = svg.ticks(0, horizon, 6)
    top, left, plot_right = 34, 56, RETENTION_WIDTH - 210
    plot_bottom = top + 220
    height = plot_bottom + 40

    def x(day: float) -> float:
        return left + (plot_right - left) * day / day_ticks[-1]

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
    for name, series in retention.series.items():
        colour = colours.get(name, "#333333")
        path = " ".join(f"{x(p.day):.1f},{y(p.mean):.1f}" for p in series)
        dash = None if retention.simulated else "5 4"
        parts = [
            svg.tag(
                "polyline",
                points=path,
                fill="none",
                stroke=colour,
                stroke_width=2.2,
                stroke_dasharray=dash,
                class_="retention",
                data_scenario=name,
            )
        ]
        for p in series:
            if p.low is not None and p.high is not None and p.day > 0:
                parts.append(
                    svg.tag(
                        "line",
                        x1=x(p.day),
                        x2=x(p.day),
                        y1=y(p.low),
                        y2=y(p.high),
                        stroke=colour,
                        stroke_width=1.5,
                    )
                )
            if p.low is not None:
                parts.append(
                    svg.titled(
                        svg.tag("circle", cx=x(p.day), cy=y(p.mean), r=3.5, fill=colour),
                        f"{labels.get(name, name)}: day {p.day:g}: {p.mean * 100:.1f}%",
                    )
                )
        body.append("".join(parts))
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
        body.append(svg.lines(plot_right + 42, legend_y + 4, labels.get(name, name), 24, 3, 12))
        legend_y += 16 + 14 * min(3, len(wrap(labels.get(name, name), 24)))
    return svg.document(RETENTION_WIDTH, max(height, legend_y + 10), "".join(body), title)
