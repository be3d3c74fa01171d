"""A pull request's review as one Markdown comment: the verdict, a row per changed
journey (fmt, check, map), what check found, and each file's semantic diff.

Pure: the same reviews give the same bytes. Finding the files, diffing them and
posting the comment is `cxjourney.interop.review`'s work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..language.diagnostics import render as render_diagnostic
from ..language.load import Loaded

#: The comment's first line: how the review finds the comment it posted before.
MARKER = "<!-- cxjourney-review -->"


@dataclass
class FileReview:
    path: str
    formatted: bool | None = None  # None: does not parse, fmt cannot tell
    loaded: Loaded | None = None
    old: Loaded | None = None
    map_file: str | None = None
    section: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        if self.loaded is None:
            return 0
        return sum(d.severity == "error" for d in self.loaded.diagnostics)

    @property
    def failed(self) -> bool:
        return self.formatted is False or self.errors > 0


def markdown(reviews: list[FileReview], maps_link: str | None) -> str:
    lines = [MARKER, "## cxjourney review", ""]
    if not reviews:
        return "\n".join([*lines, "No journey files changed.", ""])
    problems = sum(r.failed for r in reviews)
    lines += [
        "✅ Every changed journey is formatted and checks."
        if not problems
        else f"❌ {problems} file{'s' if problems != 1 else ''} to fix before merging.",
        "",
        "| file | fmt | check | map |",
        "| --- | --- | --- | --- |",
    ]
    for r in reviews:
        fmt = {True: "✅", False: "❌ run `cxjourney fmt`", None: "—"}[r.formatted]
        check = "✅" if r.errors == 0 else f"❌ {r.errors} error{'s' if r.errors != 1 else ''}"
        drawn = Path(r.map_file).name if r.map_file else "—"
        if r.map_file and maps_link:
            drawn = f"[{drawn}]({maps_link})"
        lines.append(f"| `{r.path}` | {fmt} | {check} | {drawn} |")
    lines.append("")
    for r in reviews:
        if r.loaded is not None and r.loaded.diagnostics:
            shown = "\n".join(
                render_diagnostic(d, r.loaded.sources.get(d.file)) for d in r.loaded.diagnostics
            )
            lines += [
                f"<details open><summary><code>{r.path}</code>: what check found</summary>",
                "",
                "```text",
                shown,
                "```",
                "",
                "</details>",
                "",
            ]
        lines += [f"_{note}_" for note in r.notes]
    for r in reviews:
        if r.section:
            lines += ["---", "", r.section.rstrip("\n"), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
