"""Labels as safe text: one place that decides how user strings reach DOT, SVG and HTML.

Labels come from `.journey` files that anyone may write, so every string is treated
as text: control characters (which XML forbids) become spaces, and markup characters
are escaped for the target. Graphviz labels are built as HTML-like labels from
escaped text, so `<`, `"`, `{` and `\\` in a label never reach the DOT parser as syntax.
"""

from __future__ import annotations

import html
import re
import textwrap

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(text: str) -> str:
    """Printable text: control characters and XML-forbidden code points become spaces."""
    return _CONTROL.sub(" ", text)


def markup(text: str) -> str:
    """Escaped for HTML, SVG and Graphviz HTML-like labels (quotes included)."""
    return html.escape(clean(text), quote=True)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, breaking only between words.

    Words are never split, so the lines joined with spaces give the label back.
    """
    words = clean(text).split()
    if not words:
        return [""]
    return textwrap.wrap(" ".join(words), width, break_long_words=False, break_on_hyphens=False)


def dot_text(text: str) -> str:
    """Escaped for a Graphviz HTML-like label.

    Graphviz still expands backslash escapes there (`\\N` becomes the node's name,
    even when written `&#92;N`), so backslashes are doubled on top of the markup. An
    empty text is a space: Graphviz refuses an empty `<B></B>` or `<FONT></FONT>`.
    """
    return markup(text).replace("\\", "\\\\") or " "


def wrapped_dot_text(text: str, width: int) -> str:
    """A Graphviz label wrapped to `width` characters, lines joined by <BR/>."""
    return "<BR/>".join(dot_text(line) for line in wrap(text, width))
