"""The semantic diff for people: one line per difference, under a heading per element."""

from __future__ import annotations

from typing import Any

from ..language.diff import ELEMENTS, HEADINGS, SYMBOL, Difference
from .forecast_text import forecast_lines


def diff_text(
    old_name: str, new_name: str, found: list[Difference], prediction: dict[str, Any] | None
) -> str:
    """The diff for people: one line per difference, under a heading per element."""
    lines = [f"cxjourney diff {old_name} {new_name}"]
    for element in ELEMENTS:
        group = [d for d in found if d.element == element]
        if group:
            lines.append(HEADINGS[element])
            lines += [f"  {_line(d)}" for d in group]
    counts = {kind: sum(d.change == kind for d in found) for kind in SYMBOL}
    if found:
        lines.append(", ".join(f"{n} {kind}" for kind, n in counts.items()))
    else:
        lines.append("no semantic changes")
    if prediction is not None:
        lines += ["", *forecast_lines(prediction)]
    return "\n".join(lines) + "\n"


def _line(d: Difference) -> str:
    symbol = SYMBOL[d.change]
    if d.change in ("added", "removed"):
        text = d.new_text if d.change == "added" else d.old_text
        return f"{symbol} {d.key} {text}" if text else f"{symbol} {d.key}"
    if d.old is None and d.new is not None and d.attribute in ("changes", "recovers"):
        return f"{symbol} {d.key}: + {d.new_text}"
    if d.new is None and d.old is not None and d.attribute in ("changes", "recovers"):
        return f"{symbol} {d.key}: - {d.old_text}"
    if d.element == "journey":
        what = d.attribute or d.key
    else:
        what = f"{d.key} {d.attribute}" if d.attribute else d.key
    return f"{symbol} {what}: {d.old_text} → {d.new_text}"
