"""The model as JSON for other tools: stable key order, canonical units, no positions.

Units: durations in minutes, rates per minute, percentages as fractions 0..1.
Positions are left out so that two files meaning the same thing export the same.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from typing import Any

from ..model import Journey, Library

_SKIP = {
    "span",
    "spans",
    "loyalty_spans",
    "target_spans",
    "path_spans",
    "source_span",
    "target_span",
    "file",
}


def to_plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_plain(getattr(value, f.name)) for f in fields(value) if f.name not in _SKIP
        }
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value


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
