"""Colours and shapes shared by the map, the curve and the report.

Owners get a qualitative palette (Okabe & Ito 2008, lightened so dark text stays
readable on it); experience gets a diverging red–neutral–green scale centred on
"meets expectations", with the value printed beside the colour so the map does not
rely on red/green alone.
"""

from __future__ import annotations

import math

#: Light fills for owners, in order of first appearance; cycled past the end.
OWNER_FILLS = (
    "#f6d7a7",  # orange
    "#bfe0f5",  # sky blue
    "#b9e3d4",  # bluish green
    "#f7efa6",  # yellow
    "#b3cde6",  # blue
    "#f2c2a6",  # vermillion
    "#e8c6da",  # reddish purple
    "#dcdcdc",  # grey
    "#d9e8b0",  # olive
    "#c9c3e6",  # lavender
    "#f3d1d1",  # rose
    "#c7e9e9",  # teal
)
NO_OWNER_FILL = "#ffffff"

#: Stops of the diverging scale, from far below expectation to far above it.
DIVERGING = (
    "#b2182b",
    "#d6604d",
    "#f4a582",
    "#fddbc7",
    "#f7f7f7",
    "#d9f0d3",
    "#a6dba0",
    "#5aae61",
    "#1b7837",
)
NO_DATA_FILL = "#e0e0e0"

#: Scenario lines and bars: baseline grey, then a colour-blind safe sequence.
SERIES = ("#555555", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")

#: A shape for each common channel; other channels take the spares in order.
CHANNEL_SHAPES = {
    **dict.fromkeys(("web", "website", "online", "portal", "ota"), "box"),
    **dict.fromkeys(("app", "mobile"), "component"),
    **dict.fromkeys(
        ("store", "shop", "branch", "desk", "counter", "clinic", "room", "restaurant", "office"),
        "box3d",
    ),
    **dict.fromkeys(("phone", "call", "ivr"), "hexagon"),
    **dict.fromkeys(("email", "mail", "letter", "post"), "note"),
    **dict.fromkeys(("chat", "social", "sms", "messaging"), "cds"),
}
#: Compact shapes only: a shape that grows around a long label (house, ellipse) would
#: make the map unreadable at 30+ touchpoints.
SPARE_SHAPES = ("folder", "tab", "cylinder", "octagon", "parallelogram")
NO_CHANNEL_SHAPE = "rect"
#: Drawn with rounded corners, so that web channels and channel-less nodes differ.
ROUNDED = "box"


def owner_fills(owners: list[str | None]) -> dict[str | None, str]:
    """A fill per owner, in order of first appearance, so a file's colours are stable."""
    fills: dict[str | None, str] = {None: NO_OWNER_FILL}
    for owner in owners:
        if owner is not None and owner not in fills:
            fills[owner] = OWNER_FILLS[(len(fills) - 1) % len(OWNER_FILLS)]
    return fills


def channel_shapes(channels: list[str | None]) -> dict[str | None, str]:
    """A shape per channel: the known ones by name, the others from the spares in order."""
    shapes: dict[str | None, str] = {None: NO_CHANNEL_SHAPE}
    spare = 0
    for channel in channels:
        if channel is None or channel in shapes:
            continue
        known = CHANNEL_SHAPES.get(channel.lower())
        if known is None:
            known = SPARE_SHAPES[spare % len(SPARE_SHAPES)]
            spare += 1
        shapes[channel] = known
    return shapes


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(255.0, c))):02x}" for c in rgb)


def diverging(value: float | None, limit: float) -> str:
    """The colour of `value` on a scale symmetric around 0, saturating at ±limit."""
    if value is None or not math.isfinite(value):
        return NO_DATA_FILL
    t = 0.5 if limit <= 0 else 0.5 + 0.5 * max(-1.0, min(1.0, value / limit))
    position = t * (len(DIVERGING) - 1)
    low = min(int(position), len(DIVERGING) - 2)
    frac = position - low
    a, b = _rgb(DIVERGING[low]), _rgb(DIVERGING[low + 1])
    return _hex(tuple(x + (y - x) * frac for x, y in zip(a, b, strict=True)))


def symmetric_limit(values: list[float | None], floor: float) -> float:
    """A scale limit covering the values, at least `floor`, rounded up to a tidy step."""
    largest = max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)
    limit = max(largest, floor)
    step = 10 ** math.floor(math.log10(limit)) / 2
    return math.ceil(limit / step - 1e-9) * step


def ink(fill: str) -> str:
    """Black or white text, whichever contrasts more with `fill` (WCAG relative luminance)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def series(index: int) -> str:
    return SERIES[index % len(SERIES)]
