"""Review a pull request's journeys: fmt --check, check, the semantic diff, the forecast.

The git and GitHub side of `python -m cxjourney.cli.review`: it finds the `.journey`
files changed between BASE and HEAD (and the journeys that use a changed persona
library), checks the working tree's version of each, compares it with BASE's, draws
the map of the new version, and posts the comment (or updates the one it posted
before) with `gh`. The comment's words are `cxjourney.render.review_comment`'s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..language import diff as semantic_diff
from ..language.files import Refused, read_limited, read_named
from ..language.fmt import FormatError, UnsafeFormat, format_source
from ..language.load import load
from ..model import Journey
from ..render.review_comment import MARKER, FileReview
from . import revision


class GitError(RuntimeError):
    """A git command failed; the message names the command and what git said."""


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def repository_top() -> str:
    """The working tree's top directory, where the review runs."""
    return git("rev-parse", "--show-toplevel").strip()


def review_changes(base: str, head: str, run: dict[str, Any], out: Path) -> list[FileReview]:
    """The review of every journey changed between BASE and HEAD (see `changed_journeys`)."""
    return [review_file(path, base, run, out) for path in changed_journeys(base, head)]


def changed_journeys(base: str, head: str) -> list[str]:
    """Journeys changed since the merge base, and the files that use a changed one."""
    changed = git(
        "diff", "--name-only", "--diff-filter=ACMR", f"{base}...{head}", "--", "*.journey"
    ).split()
    found = dict.fromkeys(changed)
    for path in git("ls-files", "*.journey").split():
        if path in found or not Path(path).is_file():
            continue
        for use in revision.used_paths(read_limited(path)):
            used = os.path.normpath(os.path.join(os.path.dirname(path), use))
            if used in changed:
                found[path] = None
    return sorted(found)


def review_file(path: str, base: str, run: dict[str, Any], out: Path) -> FileReview:
    review = FileReview(path)
    data = read_limited(path)  # `load` below refuses a file over the limit by name
    text = data.decode("utf-8", "replace")
    try:
        review.formatted = format_source(text, path) == text.removeprefix("\ufeff")
    except (FormatError, UnsafeFormat):
        review.formatted = None
    review.loaded = load(path)
    if exists_in(base, path):
        try:
            review.old = revision.load_revision(f"{base}:{path}")
        except revision.RevisionError as err:
            review.notes.append(f"cannot read the base version: {err}")
    if review.loaded.ok and review.loaded.journey is not None:
        review.map_file = draw_map(path, out)
    review.section = diff_section(review, base, run)
    return review


def exists_in(rev: str, path: str) -> bool:
    done = subprocess.run(["git", "cat-file", "-e", f"{rev}:{path}"], capture_output=True)
    return done.returncode == 0


def draw_map(path: str, out: Path) -> str | None:
    """The new version's map as SVG (Graphviz's `dot` is needed); None when it cannot."""
    if shutil.which("dot") is None:
        return None
    target = out / "maps" / (path.replace("/", "__").removesuffix(".journey") + ".svg")
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "render", path, "-o", str(target)],
        capture_output=True,
        check=False,
    )
    return str(target) if done.returncode == 0 else None


def diff_section(review: FileReview, base: str, run: dict[str, Any]) -> str:
    """The semantic diff (and forecast) of a file that checks on both sides."""
    from ..render.diff_markdown import comment

    new = review.loaded
    if new is None or not new.ok:
        return ""
    old = review.old
    if old is not None and not old.ok:
        return f"_`{base}:{review.path}` has errors; no diff._\n"
    old_model = None if old is None else (old.journey or old.library)
    new_model = new.journey or new.library
    found = semantic_diff.compare(old_model, new_model)
    prediction = rankings = None
    both = isinstance(old_model, Journey) and isinstance(new_model, Journey)
    if run["simulate"] and both and found:
        from ..decide import versions

        prediction = versions.forecast(old_model, new_model, run["spec"])
        rankings = versions.rankings(old_model, new_model, run["spec"])
    old_name = f"{base}:{review.path}" if old is not None else "(new file)"
    return comment(old_name, review.path, found, prediction, rankings, (old_model, new_model))


# ---- GitHub ---------------------------------------------------------------------------------


def run_link() -> str | None:
    """Where the run's artifacts (the maps) are, when running in GitHub Actions."""
    server, repo, run_id = (
        os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    return f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else None


def pull_request_number() -> str | None:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(read_named(path))
    except (OSError, ValueError, Refused):
        return None
    number = (event.get("pull_request") or {}).get("number") or event.get("number")
    return str(number) if number else None


def post(comment_file: Path, number: str) -> str:
    """Update the comment posted before (found by its marker), or post a new one."""
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    if shutil.which("gh") is None:
        return "not posted: the gh command is not installed"
    found = subprocess.run(
        [
            "gh",
            "api",
            f"repos/{repo}/issues/{number}/comments",
            "--paginate",
            "--jq",
            f'.[] | select(.body | contains("{MARKER}")) | .id',
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    ids = found.stdout.split() if found.returncode == 0 else []
    if ids:
        call = ["-X", "PATCH", f"repos/{repo}/issues/comments/{ids[0]}"]
    else:
        call = ["-X", "POST", f"repos/{repo}/issues/{number}/comments"]
    done = subprocess.run(
        ["gh", "api", *call, "-F", f"body=@{comment_file}"], capture_output=True, check=False
    )
    if done.returncode != 0:
        return f"could not post the comment: {done.stderr.decode(errors='replace').strip()}"
    return "updated the review comment" if ids else "posted the review comment"


def write_github_outputs(comment_file: Path, reviews: list[FileReview], text: str) -> None:
    """The action's outputs (the comment's file, how many files fail) and the job summary."""
    outputs = os.environ.get("GITHUB_OUTPUT")
    if outputs:
        with open(outputs, "a", encoding="utf-8") as f:
            f.write(f"comment={comment_file}\n")
            f.write(f"problems={sum(r.failed for r in reviews)}\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(text)
