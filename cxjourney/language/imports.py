"""`use` lines: read persona libraries, safely, and merge them into the journey."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..model import Journey, Library, Loyalty, Persona
from . import files
from .diagnostics import Reporter, Span


def resolve(
    use_path: str, using_file: Path | None, root: Path, span: Span, reporter: Reporter
) -> Path | None:
    """The file a `use` line names, when the rule of `files` lets it be read from `root`."""
    base = using_file.parent if using_file is not None else Path.cwd()
    if not use_path or os.path.isabs(use_path):
        reporter.error(span, f"'use' needs a relative path, got \"{use_path}\"")
        return None
    candidate = base / use_path
    try:
        return files.contained_file(candidate, [root])
    except files.Refused as refused:
        refuse(refused, use_path, span, reporter)
        return None


def read(
    use_path: str, using_file: Path | None, root: Path, span: Span, reporter: Reporter
) -> bytes | None:
    """The bytes of the file a `use` line names (`resolve`, then `files.read_contained`)."""
    resolved = resolve(use_path, using_file, root, span, reporter)
    if resolved is None:
        return None
    try:
        return files.read_contained(resolved, [root])
    except files.Refused as refused:
        refuse(refused, use_path, span, reporter)
        return None


def refuse(refused: files.Refused, use_path: str, span: Span, reporter: Reporter) -> None:
    """Say on the `use` line why the file it names is not read."""
    if refused.kind == files.MISSING:
        reporter.error(
            span, f'cannot find the used file "{use_path}"', f"looked for {refused.path}"
        )
    elif refused.kind == files.OUTSIDE:
        reporter.error(
            span,
            f'"{use_path}" is outside the directory of the checked file',
            "a used file must stay inside the checked file's directory tree",
        )
    elif refused.kind == files.NOT_A_FILE:
        reporter.error(span, f'"{use_path}" is not a file')
    else:
        reporter.error(
            span,
            f'"{use_path}" is larger than {files.MAX_FILE_BYTES // (1024 * 1024)} MB, '
            "too large to be a journey",
            "is it the right file? split a very large map into several journeys",
        )


def relabel(library: Library, shown: str) -> Library:
    """Point every span of a used file's personas at that file."""
    personas = tuple(
        replace(
            p,
            span=replace(p.span, file=shown),
            spans={k: replace(s, file=shown) for k, s in p.spans.items()},
        )
        for p in library.personas
    )
    loyalty = {k: (v, replace(s, file=shown)) for k, (v, s) in library.loyalty.items()}
    return replace(library, personas=personas, loyalty=loyalty, file=shown)


def merge(journey: Journey, libraries: list[Library], reporter: Reporter) -> Journey:
    """Used personas first, then the journey's own; the journey's loyalty keys win."""
    personas: dict[str, Persona] = {}
    loyalty: dict[str, tuple[object, Span]] = {}
    for library in libraries:
        for p in library.personas:
            if p.id in personas:
                first = personas[p.id]
                reporter.error(
                    p.span,
                    f"persona '{p.id}' is defined in two used files ({first.span.file})",
                )
                continue
            personas[p.id] = p
        for key, (value, span) in library.loyalty.items():
            if key in loyalty:
                reporter.error(span, f"loyalty key '{key}' is set by two used files")
                continue
            loyalty[key] = (value, span)
    for p in journey.personas:
        if p.id in personas:
            where = personas[p.id].span.file
            reporter.error(p.span, f"persona '{p.id}' is already defined in {where}", "remove one")
            continue
        personas[p.id] = p
    settings = {k: v for k, (v, _) in loyalty.items()}
    spans = {k: s for k, (_, s) in loyalty.items()}
    own = {k: journey.loyalty.setting(k) for k in journey.loyalty_spans}
    settings.update(own)
    spans.update(journey.loyalty_spans)
    return replace(
        journey,
        personas=tuple(personas.values()),
        loyalty=Loyalty.of(settings),
        loyalty_spans=spans,
    )
