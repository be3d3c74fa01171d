"""A few SVG primitives for the curve and the report's charts: no plotting library needed.

Every attribute value and text goes through `escape.markup`, so labels from a journey
file are always text.
"""

from __future__ import annotations

import math

from .escape import markup, wrap

FONT = "Helvetica, Arial, sans-serif"


def attrs(values: dict[str, object]) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{markup(str(value))}"')
    return " ".join(parts)


def tag(name: str, content: str = "", **values: object) -> str:
    opening = f"<{name} {attrs(values)}".rstrip()
    return f"{opening}>{content}</{name}>" if content else f"{opening}/>"


def text(x: float, y: float, content: str, **values: object) -> str:
    return tag("text", markup(content), x=x, y=y, **values)


def lines(x: float, y: float, content: str, width: int, most: int, size: float, **values) -> str:
    """Text wrapped to `width` characters, at most `most` lines (the last one elided)."""
    wrapped = wrap(content, width)
    if len(wrapped) > most:
        wrapped = [*wrapped[: most - 1], wrapped[most - 1] + " …"]
    spans = "".join(
        tag("tspan", markup(line), x=x, dy=0 if i == 0 else size * 1.15)
        for i, line in enumerate(wrapped)
    )
    return tag("text", spans, x=x, y=y, font_size=size, **values)


def titled(content: str, title: str) -> str:
    """A group whose tooltip is `title` (SVG's own accessible name)."""
    return f"<g><title>{markup(title)}</title>{content}</g>"


def document(width: float, height: float, body: str, label: str) -> str:
    """A standalone SVG that also scales when inlined (viewBox, no fixed size in CSS)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{markup(label)}" '
        f'font-family="{FONT}">'
        f"<title>{markup(label)}</title>{body}</svg>"
    )


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (Heckbert's nice numbers, 1990)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    out = []
    value = start
    while value <= high + step * 1e-9:
        out.append(round(value, 10))
        value += step
    if out[-1] < high:
        out.append(round(value, 10))
    return out
