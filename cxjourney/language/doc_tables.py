"""The tables of docs/language.md and docs/model.md, generated from the table of facts.

Run `python -m cxjourney.language.doc_tables docs/language.md docs/model.md` after
changing a fact in `cxjourney.language.facts`: it rewrites what stands between each
pair of markers (`<!-- facts:begin -->` … `<!-- facts:end -->` for the attribute
tables, `<!-- facts:sources:begin -->` … `<!-- facts:sources:end -->` for where the
model's defaults come from). `--check` exits 1 when a file is out of date instead of
writing it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from .facts import BLOCKS, of_block

NOTE = (
    "<!-- Generated from cxjourney/language/facts.py by "
    "`python -m cxjourney.language.doc_tables`. -->"
)
HEADINGS = {
    "journey": "Journey attributes",
    "persona": "Persona attributes",
    "touchpoint": "Touchpoint attributes",
    "event": "Delighter and disappointer attributes",
    "edge": "Flow edge attributes",
    "loyalty": "Loyalty keys",
}
_CHANGEABLE = ("persona", "touchpoint", "event")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def attribute_tables() -> str:
    """Every block's attributes: kind, unit, default, range, meaning and an example."""
    parts = [NOTE]
    for block in BLOCKS:
        head = ["attribute", "kind", "unit", "default", "range", "meaning"]
        if block in _CHANGEABLE:
            head.append("scenario")
        head.append("example")
        rows = []
        for a in of_block(block):
            row = [f"`{a.name}`", a.kind, a.unit or "–", a.default, a.range, a.meaning]
            if block in _CHANGEABLE:
                row.append("yes" if a.changeable else "no")
            rows.append([*row, f"`{a.example}`"])
        parts.append(f"**{HEADINGS[block]}**\n\n" + _table(head, rows))
    return "\n\n".join(parts) + "\n"


def sources_table() -> str:
    """Each loyalty key's default and whether it is a published finding or an assumption."""
    rows = [[f"`{a.name}`", a.default, a.meaning, a.source] for a in of_block("loyalty")]
    return NOTE + "\n\n" + _table(["key", "default", "meaning", "status"], rows) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "facts": attribute_tables,
    "facts:sources": sources_table,
}


def with_tables(document: str) -> str:
    """`document` with the text between every pair of known markers regenerated."""
    for name, generate in GENERATORS.items():
        begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        replacement = f"{begin}\n{generate()}{end}"
        document = pattern.sub(lambda _m, text=replacement: text, document)
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cxjourney.language.doc_tables", description=__doc__.splitlines()[0]
    )
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="exit 1 when a file is stale")
    args = parser.parse_args(argv)
    stale = []
    for path in args.files:
        text = path.read_text(encoding="utf-8")
        current = with_tables(text)
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(current, encoding="utf-8")
    if args.check and stale:
        print("out of date: " + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
