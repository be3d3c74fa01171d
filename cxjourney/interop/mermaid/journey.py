"""Write a Mermaid journey diagram as ``.journey`` source, and name its file.

``to_journey`` builds the model and prints it (``cxjourney.language.printer``, with
``expect`` and every label written even where they are the language's defaults, so the
imported map shows what it assumes): sections become stages and tasks touchpoints in the
written order (no ``flow`` block), the score as ``delivers`` with ``expect 3``.

Actors are the customer and the teams that serve them: Mermaid's own example names
``Me`` in every task and ``Cat`` in one. The customer is the actor named in the most
tasks, when that is more than half of the tasks that name actors (on a tie, the one
named first): it becomes the label of the one persona, ``customer``, which holds 100%
of the customers, and never an owner, since the customer owns no step. The other
actors of a task are its owner, joined as written (``Do work: 1: Me, Cat`` gives
``owner "Cat"``), so reports roll up by the same group of actors; a task with only the
customer has no owner. A diagram whose actors are all teams (none in over half of the
tasks) keeps them all as owners, and its persona is ``"Customer"``.

Identifiers are ASCII slugs of the names (``Café à emporter`` -> ``cafe_a_emporter``),
``stage_2`` / ``touchpoint_3`` (position in the file) when a name has no usable ASCII
form, prefixed with the kind when they would start with a digit, suffixed with it when
they would be ``start``, ``end`` or ``exit``, and made unique with ``_2``, ``_3``.
Labels keep the text; ``<br>`` and control characters become spaces.
"""

from __future__ import annotations

import math
import re
import unicodedata

from ...language.printer import Notes, print_journey
from ...model import Distribution, Journey, Persona, Stage, Touchpoint
from .diagram import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    MermaidDiagram,
    MermaidError,
    MermaidIssue,
    MermaidTask,
)
from .text import is_control

DEFAULT_TITLE = "Imported journey"
PERSONA = "customer"
RESERVED_NAMES = frozenset({"start", "end", "exit"})


def to_journey(diagram: MermaidDiagram) -> str:
    """Write a diagram as ``.journey`` source (see the module docstring for the mapping)."""
    stages = [section for section in diagram.sections if section.tasks]
    if not stages:
        raise MermaidError(
            [MermaidIssue(diagram.line, 1, "the journey diagram has no tasks", "error")]
        )
    names = _Namer()
    persona = names.claim(PERSONA, "persona", 1)
    customer = customer_actor(diagram)
    built: list[Stage] = []
    touchpoints: list[Touchpoint] = []
    for number, section in enumerate(stages, start=1):
        fallback = f"Stage {number}"
        stage = names.claim(section.name or fallback, "stage", number)
        held = []
        for task in section.tasks:
            position = len(touchpoints) + 1
            identifier = names.claim(task.name, "touchpoint", position)
            touchpoints.append(_touchpoint(task, identifier, position, stage, customer))
            held.append(identifier)
        built.append(Stage(stage, _label(section.name) or fallback, tuple(held)))
    journey = Journey(
        title=_label(diagram.title or "") or DEFAULT_TITLE,
        description=_label(diagram.description or ""),
        personas=(Persona(persona, customer or "Customer", share=1.0),),
        stages=tuple(built),
        touchpoints=tuple(touchpoints),
    )
    return print_journey(
        journey, _IMPORTED, always=("touchpoint.expect", "touchpoint.label", "stage.label")
    )


_IMPORTED = Notes(
    above={
        ("journey",): [
            "# Imported from a Mermaid journey diagram: scores became `delivers`,",
            "# every touchpoint expects 3, and the written order is the path.",
            "",
        ]
    }
)


def slug_for_filename(title: str | None, index: int) -> str:
    """A file name stem for a diagram: ``my-working-day``, or ``journey-{index}``.

    ``index`` is the diagram's position (1 for the first); callers writing several
    files must still de-duplicate equal titles.
    """
    slug = _ascii_slug(title or "", "-", limit=60)
    if not slug:
        return f"journey-{index}"
    if slug in _WINDOWS_DEVICES:
        slug += "-journey"
    return slug


_TRANSLITERATION = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "&": " and ",
    }
)
_BREAK = re.compile(r"<\s*/?\s*br\s*/?\s*>", re.IGNORECASE)
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)


def _ascii_slug(name: str, separator: str, limit: int) -> str:
    """Lower-case ASCII words of ``name``; "" when most of its letters have no ASCII form."""
    text = _BREAK.sub(" ", name).translate(_TRANSLITERATION)
    kept = lost = 0
    letters = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            letters.append(char if char.isalnum() else " ")
            kept += char.isalnum()
        elif char.isalnum():
            lost += 1
            letters.append(" ")
    if kept == 0 or lost > kept:
        return ""
    words = "".join(letters).lower().split()
    slug = ""
    for word in words:
        candidate = f"{slug}{separator}{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or words[0][:limit]


class _Namer:
    """Hands out unique identifiers in one namespace (personas, stages, touchpoints)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, name: str, kind: str, position: int) -> str:
        base = _ascii_slug(name, "_", limit=40) or f"{kind}_{position}"
        if base[0].isdigit():
            base = f"{kind}_{base}"
        if base in RESERVED_NAMES:
            base = f"{base}_{kind}"
        identifier, suffix = base, 2
        while identifier in self.used:
            identifier, suffix = f"{base}_{suffix}", suffix + 1
        self.used.add(identifier)
        return identifier


def customer_actor(diagram: MermaidDiagram) -> str | None:
    """The customer among the actors: named in over half of the tasks that name any (the
    first named on a tie), or None when no actor is."""
    named = [_actors(task) for task in diagram.tasks]
    named = [actors for actors in named if actors]
    counts: dict[str, int] = {}
    for actors in named:
        for actor in actors:
            counts[actor] = counts.get(actor, 0) + 1
    if not counts:
        return None
    actor = max(counts, key=lambda a: counts[a])  # the first named of the most named
    return actor if 2 * counts[actor] > len(named) else None


def _actors(task: MermaidTask) -> list[str]:
    return list(dict.fromkeys(label for label in map(_label, task.actors) if label))


def _touchpoint(
    task: MermaidTask, identifier: str, position: int, stage: str, customer: str | None
) -> Touchpoint:
    if not math.isfinite(task.score):
        raise MermaidError(
            [MermaidIssue(task.line, task.column, f"the task '{task.name}' has no score", "error")]
        )
    score = min(max(task.score, LOWEST_SCORE), HIGHEST_SCORE)
    actors = [actor for actor in _actors(task) if actor != customer]
    return Touchpoint(
        identifier,
        _label(task.name) or f"Touchpoint {position}",
        stage,
        owner=", ".join(actors) or None,
        expect=3.0,
        delivers=Distribution.constant(score),
    )


def _label(text: str) -> str:
    """The text of a label: ``<br>`` and control characters become spaces."""
    text = _BREAK.sub(" ", text)
    return "".join(" " if is_control(char) else char for char in text).strip()
