"""The model as JSON for other tools: stable key order, canonical units, no positions.

Units: durations in minutes, rates per minute, percentages as fractions 0..1.
Positions are left out so that two files meaning the same thing export the same.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Journey, Library, to_plain


def journey_document(journey: Journey) -> dict[str, Any]:
    return {"format": "cxjourney-model", "version": 1, "journey": to_plain(journey)}


def library_document(library: Library) -> dict[str, Any]:
    return {
        "format": "cxjourney-model",
        "version": 1,
        "personas": to_plain(library.personas),
        "loyalty": {k: to_plain(v) for k, (v, _) in library.loyalty.items()},
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
