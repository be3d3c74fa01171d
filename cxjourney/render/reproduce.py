"""What a report says about its own making: the commands that make it again, spelled
out in full, and the SHA-256 of the journey file it was made from."""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path
from typing import Any

from ..language.load import STDIN, Loaded


def commands(
    file: str,
    output: str,
    results_path: str | None,
    drivers_path: str | None,
    results: dict[str, Any],
    loaded: Loaded,
) -> tuple[str, ...]:
    """The commands that make this report again, spelled out in full."""
    journey = loaded.journey
    days = float(results["horizon_days"])
    run = ["--seed", str(results["seed"]), "-n", str(results["replications"])]
    if abs(days * 24 * 60 - journey.horizon) > 1e-6:
        run += ["--horizon", f"{days:g} days"]
    simulated = [s for s in results["scenarios"] if s != "baseline"]
    if set(simulated) != {s.id for s in journey.scenarios}:
        for sid in simulated:
            run += ["--scenario", sid]
    tail = ["--drivers", drivers_path] if drivers_path else []
    tail += ["-o", output]
    if results_path:
        sensitivity = results.get("sensitivity")
        if isinstance(sensitivity, dict):
            run += ["--sensitivity", "--objective", str(sensitivity.get("objective", "nps"))]
        return (
            shell_line(
                ["cxjourney", "simulate", file, *run, "--format", "json", "-o", results_path]
            ),
            shell_line(["cxjourney", "report", file, "--results", results_path, *tail]),
        )
    return (shell_line(["cxjourney", "report", file, *run, *tail]),)


def shell_line(words: list[str]) -> str:
    """The words as one POSIX shell command line, each quoted when it needs it."""
    return " ".join(shlex.quote(w) for w in words)


def digest(file: str, loaded: Loaded) -> str:
    """SHA-256 of the journey file (of its text, when it came from stdin)."""
    if file == STDIN:
        data = loaded.sources.get(loaded.file, "").encode("utf-8")
    else:
        data = Path(file).read_bytes()
    return hashlib.sha256(data).hexdigest()
