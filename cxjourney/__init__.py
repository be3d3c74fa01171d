"""cxjourney: customer-journey maps as code, and a simulator that forecasts loyalty.

The pipeline, one module a stage: text → `language` (tree, model, checks) → `graph`
→ `sim` (simulation) → `results` → `render` and reports. The CLI is a thin layer on top.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .language.load import Loaded, load

__all__ = ["Loaded", "__version__", "load"]
