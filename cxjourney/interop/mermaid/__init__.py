"""Mermaid ``journey`` diagrams, both ways.

``parse_mermaid`` reads one diagram (a ``.mmd`` file, ``read.py``), ``parse_markdown``
every fenced ``mermaid`` block of a Markdown file that holds a journey
(``markdown.py``), and ``to_journey`` writes a diagram as ``.journey`` text that obeys
docs/language.md (``journey.py``); ``to_mermaid`` writes a journey as a diagram, the
other way (``write.py``). What a diagram holds and the problems found reading it are in
``diagram.py``. Everything here is pure: no I/O.
"""

from __future__ import annotations

from .diagram import MermaidDiagram, MermaidError, MermaidIssue, MermaidSection, MermaidTask
from .journey import slug_for_filename, to_journey
from .markdown import parse_markdown
from .read import parse_mermaid
from .write import to_mermaid

__all__ = [
    "MermaidDiagram",
    "MermaidError",
    "MermaidIssue",
    "MermaidSection",
    "MermaidTask",
    "parse_markdown",
    "parse_mermaid",
    "slug_for_filename",
    "to_journey",
    "to_mermaid",
]
