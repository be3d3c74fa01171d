"""What the page shows beside the text: the map, the semantic diff since the last commit,
and the words the editor highlights.

The map is `render`'s (Graphviz `dot`, as SVG); the diff is the pull-request comment of
`cxjourney/interop/review.py` (`language/diff.compare`, worded by `render/diff_markdown`)
between `git show HEAD:path` and the text in the editor; the highlighting's words come
from the table of facts, so a new attribute is highlighted the day it is added.
"""

from __future__ import annotations

import contextlib
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..language import diff as semantic_diff
from ..language import facts
from ..language.load import Loaded
from ..language.units import DISTRIBUTIONS, TIME_UNITS
from ..model import TERMINALS, Journey


def map_svg(loaded: Loaded) -> tuple[str | None, str | None]:
    """The baseline's map as inline SVG, or None and why it is missing (no `dot`)."""
    from ..render.dot import INSTALL_HINT, GraphvizFailed, GraphvizMissing, draw
    from ..render.maps import overlay_map
    from ..render.report import inline_svg

    if loaded.journey is None:
        return None, "a persona library has no map: open a journey that uses it"
    try:
        return inline_svg(draw(overlay_map(loaded, None, None, None), "svg")), None
    except GraphvizMissing:
        return None, "No map: Graphviz's `dot` program is not installed. " + " ".join(
            INSTALL_HINT.split()
        )
    except GraphvizFailed as err:
        return None, f"No map: Graphviz failed: {err}"


@dataclass(frozen=True)
class Base:
    """The last commit's version of a file: its model, or why there is none to compare."""

    name: str  # "HEAD:journeys/coffee_shop.journey", or "(new file)"
    loaded: Loaded | None
    note: str = ""  # why there is no diff, when there is none


def committed(path: Path) -> Base:
    """The file as `git show HEAD:path` has it, loaded with the files it used then."""
    from ..interop import revision

    folder = path.parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return Base("", None, "not in a git repository: no diff since the last commit")
    relative = path.resolve().relative_to(Path(top).resolve()).as_posix()
    if _git(folder, "cat-file", "-e", f"HEAD:{relative}") is None:
        return Base("(new file)", None)
    with contextlib.chdir(top):  # git reads REV:PATH from the repository's root
        try:
            loaded = revision.load_revision(f"HEAD:{relative}")
        except revision.RevisionError as err:
            return Base("", None, f"cannot read the last commit's version: {err}")
    return Base(f"HEAD:{relative}", loaded)


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def models(base: Base, new: Loaded) -> tuple[Any, Any] | None:
    """(old model, new model) when both sides check; None when one does not."""
    if not new.ok or (base.loaded is not None and not base.loaded.ok):
        return None
    old = None if base.loaded is None else (base.loaded.journey or base.loaded.library)
    return old, new.journey or new.library


def diff_comment(
    base: Base,
    new: Loaded,
    shown: str,
    prediction: dict[str, Any] | None = None,
    rankings: dict[str, Any] | None = None,
) -> str:
    """The pull-request comment's Markdown for the editor's text against the last commit."""
    from ..render.diff_markdown import comment

    if base.note:
        return f"_{base.note}._\n"
    if base.loaded is not None and not base.loaded.ok:
        return f"_`{base.name}` has errors; no diff._\n"
    pair = models(base, new)
    if pair is None:
        return "_The text has errors; the diff waits for it to check._\n"
    found = semantic_diff.compare(*pair)
    if not found:
        return f"_No change to the model since the last commit (`{base.name}`)._\n"
    return comment(base.name, shown, found, prediction, rankings, pair)


def both_journeys(base: Base, new: Loaded) -> tuple[Journey, Journey] | None:
    """The two versions, when both are journeys that check and differ: the diff's forecast."""
    pair = models(base, new)
    if pair is None or not all(isinstance(m, Journey) for m in pair):
        return None
    return pair if semantic_diff.compare(*pair) else None


def highlighting() -> dict[str, list[str]]:
    """The words the editor colours, by kind, from the table of facts and the units."""
    from ..lsp.assist import KEYWORDS

    attributes: set[str] = set()
    choices: set[str] = set()
    for a in facts.ATTRIBUTES:
        attributes.update((a.keyword or a.name).split())
        attributes.add(a.name)
        choices.update(a.choices)
    structure = {*KEYWORDS, "delighter", "disappointer", "recovers", "chance", "impact"}
    return {
        "keywords": sorted(structure - set(TERMINALS)),
        "attributes": sorted(attributes - structure),
        "choices": sorted(choices),
        "units": sorted({*TIME_UNITS, "per", "x"}),
        "distributions": sorted(DISTRIBUTIONS),
        "terminals": sorted(TERMINALS),
    }
