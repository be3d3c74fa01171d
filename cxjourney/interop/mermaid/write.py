"""Write a journey as a Mermaid `journey` diagram, the reverse of `to_journey` (journey.py).

Stages become sections and touchpoints tasks, in the written order (Mermaid draws a
line, so a `flow` block's branches are not shown); a task's score is the mean of what
the touchpoint delivers, clipped to 1..5 and kept to two decimals (Mermaid reads any
number, and an imported `4.25` comes back as `4.25`); the actors are the customer
first (the one persona's label, else "Customer"), then the owner's comma-separated
names, as Mermaid's own example names `Me` in every task, so that importing the diagram
finds the customer again and gives back the owners (journey.py); the description
becomes `accDescr`. Stages without touchpoints
are left out, as Mermaid would draw an empty section.

A Mermaid journey has no place for time either, so the timing of a journey is left
out as its flow is: delays before a visit or on an edge (`after`), the time a step
`takes`, where repeat journeys start (`from`), `busy` hours and capacity by time of
the week. The diagram is the same as that of the journey without them.

Mermaid's lexer ends a name at `:`, `#` or `;` and reads a line starting with a
keyword (`title `, `section `, `journey`, `accTitle`, `accDescr`) as that keyword, so
such characters are written as Mermaid entity codes (`#58;`), which Mermaid decodes
when it draws and `parse_mermaid` (read.py) decodes when it reads.
"""

from __future__ import annotations

import math
import re
import unicodedata

from ...model import Journey, Touchpoint
from .diagram import HIGHEST_SCORE, LOWEST_SCORE

_CONTROL = ("Cc", "Zl", "Zp")
_SPECIAL = re.compile(r"[:#;%]")
_KEYWORD_START = re.compile(r"(journey|title\s|section\s|acctitle|accdescr)", re.IGNORECASE)


def to_mermaid(journey: Journey) -> str:
    """The journey as a Mermaid diagram (text ending with a newline)."""
    out = ["journey"]
    if _text(journey.title):
        out.append(f"  title {_text(journey.title)}")
    if _text(journey.description):
        out.append(f"  accDescr: {_text(journey.description)}")
    customer = _customer(journey)
    by_id = {t.id: t for t in journey.touchpoints}
    for stage in journey.stages:
        tasks = [by_id[t] for t in stage.touchpoints if t in by_id]
        if not tasks:
            continue
        out.append(f"  section {_text(stage.label) or stage.id}")
        out += [f"    {_task(t, customer)}" for t in tasks]
    return "\n".join(out) + "\n"


def score(touchpoint: Touchpoint) -> float:
    """The task's score: the mean delivered rating, clipped to 1..5, two decimals."""
    mean = touchpoint.performance.mean
    if not math.isfinite(mean):
        mean = touchpoint.expect
    return round(min(max(mean, LOWEST_SCORE), HIGHEST_SCORE), 2)


def _customer(journey: Journey) -> str:
    """The customer's name among the actors: the one persona's label, else "Customer"."""
    if len(journey.personas) == 1:
        persona = journey.personas[0]
        return _text(persona.label or "") or persona.id
    return "Customer"


def _task(touchpoint: Touchpoint, customer: str) -> str:
    line = f"{_text(touchpoint.label) or touchpoint.id}: {_number(score(touchpoint))}"
    actors = [a.strip() for a in (touchpoint.owner or "").split(",") if a.strip()]
    return line + ": " + ", ".join([customer, *(_text(a) for a in actors)])


def _text(text: str) -> str:
    """A name Mermaid's lexer reads whole: special characters as entity codes, line
    and other control characters as spaces."""
    text = "".join(" " if unicodedata.category(c) in _CONTROL else c for c in text).strip()
    text = _SPECIAL.sub(lambda m: f"#{ord(m.group(0))};", text)
    if _KEYWORD_START.match(text):
        text = f"#{ord(text[0])};{text[1:]}"
    return text


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"
