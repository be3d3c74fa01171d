"""Building blocks of the HTML report: sections, tables, number formats, the style sheet.

Cells are given already escaped (`escape.markup`), so a block never escapes twice.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..results import Interval, IntervalLike
from .escape import markup
from .table import fmt_interval

Section = tuple[str, str, str] | None  # anchor, title, body (HTML); None: left out


def section(anchor: str, title: str, body: str) -> Section:
    return anchor, title, body


def table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    """A table of already-escaped cells, wrapped so that it scrolls on a phone."""
    th = "".join(f'<th scope="col">{h}</th>' for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i >= numeric_from else f'<th scope="row">{c}</th>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    grid = f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{grid}</div>'


def records_section(anchor: str, title: str, data: Any) -> Section:
    """Drivers or sensitivity results when the results carry them, shown as tables."""
    if not data:
        return None
    return section(anchor, title, records(data))


def records(data: Any) -> str:
    if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()):
        data = [{"name": k, **v} for k, v in data.items()]
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        columns: list[str] = []
        for record in data:
            columns += [k for k in record if k not in columns]
        rows = [[cell(r.get(c)) for c in columns] for r in data]
        return table([markup(c) for c in columns], rows)
    if isinstance(data, dict):
        return table(["key", "value"], [[markup(str(k)), cell(v)] for k, v in data.items()])
    return f"<pre>{markup(json.dumps(data, indent=2, ensure_ascii=False))}</pre>"


def cell(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"mean", "low", "high"}:
        return markup(fmt_interval("value", value))
    if isinstance(value, bool) or value is None:
        return markup("–" if value is None else ("yes" if value else "no"))
    if isinstance(value, int | float):
        return markup(f"{value:.4g}")
    if isinstance(value, str):
        return markup(value)
    return markup(json.dumps(value, ensure_ascii=False))


def triple(v: IntervalLike) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high), as a chart's row takes them."""
    v = Interval.of(v)
    return v.mean, v.low, v.high


def money(value: float | None, *, signed: bool = False, currency: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "–"
    sign = "+" if signed and value > 0 else ("−" if value < 0 else "")
    magnitude = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= threshold:
            text = f"{magnitude / threshold:.3g}{suffix}"
            break
    else:
        text = f"{magnitude:.0f}"
    return f"{sign}{text}" + (f" {currency}" if currency else "")


def signed_percent(value: float) -> str:
    """A ratio on a chart's axis, in whole percent: "+35%" (no thousands separator, where
    the text's ROI, `table.fmt_roi`, has one)."""
    return f"{value * 100:+.0f}%"


CSS = """
:root{--ink:#1d2330;--muted:#5b6473;--line:#d9dee7;--bg:#ffffff;--panel:#f5f7fa;
--accent:#0b5cad;--good:#1b7837;--bad:#b2182b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:1120px;padding:24px 28px 48px;color:var(--ink);background:var(--bg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
h1{font-size:2rem;line-height:1.2;margin:.1em 0 .3em}
h2{font-size:1.35rem;margin:0 0 .6em;padding-top:.4em;border-top:3px solid var(--ink)}
h3{font-size:1.05rem;margin:1.4em 0 .5em}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.78rem;color:var(--muted);margin:0}
.lead{font-size:1.1rem;margin:.2em 0}
.meta,.note{color:var(--muted);font-size:.9rem}
nav{display:flex;flex-wrap:wrap;gap:.4em .9em;margin:1em 0 0;font-size:.9rem}
nav a{color:var(--accent);text-decoration:none}
section{margin:2.2em 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card .label{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.card .value{font-size:1.6rem;font-weight:650}
.card .range{font-size:.8rem;color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--ink);vertical-align:bottom}
td.num{font-variant-numeric:tabular-nums}
tbody th{font-weight:500;min-width:8em}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;
overflow-wrap:anywhere}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;
white-space:pre-wrap;overflow-wrap:anywhere}
.verdict{font-size:.8rem;color:var(--muted)}
.headline{font-size:1.08rem;font-weight:600;margin:.2rem 0 1rem}
.card .meaning{font-size:.78rem;color:var(--muted);margin-top:.35rem}
.verdict.higher{color:var(--good)}
.verdict.lower{color:var(--bad)}
.warning{background:#fff4e5;border-left:4px solid #e69f00;padding:10px 14px}
figure{margin:0}
figure svg{display:block;max-width:100%;height:auto}
.map{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);
border-radius:8px;padding:6px;background:#fff}
.map svg{width:100%;height:auto}
.toggle{position:absolute;opacity:0}
.toggle-label{display:inline-block;margin:0 0 .6em;font-size:.85rem;color:var(--accent);
cursor:pointer;border:1px solid var(--line);border-radius:999px;padding:2px 12px}
.toggle:focus-visible+.toggle-label{outline:2px solid var(--accent)}
.toggle:checked+.toggle-label{background:var(--accent);color:#fff}
.toggle:checked~.map svg{width:auto;max-width:none}
.chart.wide{overflow-x:auto}
.chart.wide svg{min-width:640px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:22px 36px}
.chart.single{max-width:760px}
footer{margin-top:3em;padding-top:1em;border-top:1px solid var(--line);color:var(--muted);
font-size:.85rem}
@media (max-width:640px){body{padding:14px 14px 32px;font-size:15px}h1{font-size:1.55rem}
.card .value{font-size:1.3rem}th,td{padding:5px 7px}}
@media print{@page{margin:14mm}body{max-width:none;padding:0;font-size:11pt}
nav,.toggle,.toggle-label{display:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
section{break-before:auto}h2,h3{break-after:avoid}
figure,.card,tr{break-inside:avoid}
.map,.scroll,.chart.wide{overflow:visible;border:0}
.map svg,.toggle:checked~.map svg{width:100%;max-width:100%;height:auto}
.chart.wide svg{min-width:0}
thead{display:table-header-group}a{color:inherit;text-decoration:none}}
"""
