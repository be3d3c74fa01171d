"""Render only draws: it reads results and decision documents as data, and imports
nothing from the analyses that make them."""

from __future__ import annotations

from tests.conftest import ROOT
from tests.language.test_layering import imports_of

RENDER = ROOT / "cxjourney" / "render"


def test_render_imports_nothing_from_decide() -> None:
    for path in RENDER.glob("*.py"):
        for module in imports_of(path):
            assert not module.startswith("cxjourney.decide"), f"{path.name} imports {module}"
