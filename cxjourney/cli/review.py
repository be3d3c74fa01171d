"""Review a pull request's journeys: fmt --check, check, the semantic diff, the forecast.

Run by the composite action in .github/actions/cxjourney-review (see
docs/editors-and-review.md), or by hand:

    python -m cxjourney.cli.review --base origin/main --simulate

It finds the `.journey` files changed between BASE and HEAD (and the journeys that
use a changed persona library), checks the working tree's version of each, compares
it with BASE's, draws the map of the new version, and writes one Markdown comment.
With a token and a pull-request number it posts the comment (or updates the one it
posted before) with `gh`; without, it only writes files. Exit 1 when a file is not
formatted or does not check, 2 for bad arguments.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..interop import revision
from ..language import diff as semantic_diff
from ..language.diagnostics import render as render_diagnostic
from ..language.fmt import FormatError, UnsafeFormat, format_source
from ..language.load import Loaded, load
from ..model import Journey
from ..output import write_atomic

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


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise click.ClickException(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def changed_journeys(base: str, head: str) -> list[str]:
    """Journeys changed since the merge base, and the files that use a changed one."""
    changed = git(
        "diff", "--name-only", "--diff-filter=ACMR", f"{base}...{head}", "--", "*.journey"
    ).split()
    found = dict.fromkeys(changed)
    for path in git("ls-files", "*.journey").split():
        if path in found or not Path(path).is_file():
            continue
        for use in revision.used_paths(Path(path).read_bytes()):
            used = os.path.normpath(os.path.join(os.path.dirname(path), use))
            if used in changed:
                found[path] = None
    return sorted(found)


def review_file(path: str, base: str, run: dict, out: Path) -> FileReview:
    review = FileReview(path)
    data = Path(path).read_bytes()
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


def diff_section(review: FileReview, base: str, run: dict) -> str:
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


# ---- the comment ---------------------------------------------------------------------------


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
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
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


# ---- command ------------------------------------------------------------------------------


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--base", required=True, help="The revision the pull request merges into.")
@click.option("--head", default="HEAD", show_default=True, help="The pull request's revision.")
@click.option(
    "-o", "--out", default="cxjourney-review", show_default=True, help="Directory for outputs."
)
@click.option("--simulate", is_flag=True, help="Add the forecast of each changed journey.")
@click.option("-n", "--replications", default=10, show_default=True, type=click.IntRange(2))
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0))
@click.option("--horizon", metavar="DURATION", help="Simulate for this long, e.g. '12 weeks'.")
@click.option("--pr", "number", help="Pull-request number (default: from the GitHub event).")
@click.option(
    "--post/--no-post",
    "post_flag",
    default=None,
    help="Post the comment with gh (default: when GITHUB_TOKEN or GH_TOKEN is set).",
)
def main(
    base: str,
    head: str,
    out: str,
    simulate: bool,
    replications: int,
    seed: int,
    horizon: str | None,
    number: str | None,
    post_flag: bool | None,
) -> None:
    """Review the journeys a pull request changes and write (or post) one comment.

    \b
    Examples:
      python -m cxjourney.cli.review --base origin/main
      python -m cxjourney.cli.review --base origin/main --simulate -n 10 -o review/
    """
    from .common import parse_horizon

    minutes = parse_horizon(click.get_current_context(), None, horizon)
    top = git("rev-parse", "--show-toplevel").strip()
    os.chdir(top)
    target = Path(out) if Path(out).is_absolute() else Path(top) / out
    target.mkdir(parents=True, exist_ok=True)
    from ..sim.spec import RunSpec

    spec = RunSpec(seed=seed, replications=replications, horizon=minutes, workers=1)
    run = {"simulate": simulate, "spec": spec}
    reviews = [review_file(p, base, run, target) for p in changed_journeys(base, head)]
    text = markdown(reviews, run_link())
    comment_file = target / "comment.md"
    write_atomic(str(comment_file), text.encode("utf-8"))
    click.echo(f"wrote {comment_file}", err=True)
    _github_outputs(comment_file, reviews, text)
    number = number or pull_request_number()
    has_token = bool(os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN"))
    if post_flag is None:
        post_flag = has_token and number is not None
    if post_flag and number:
        click.echo(post(comment_file, number), err=True)
    elif post_flag:
        click.echo("not posted: no pull-request number (give --pr)", err=True)
    else:
        click.echo("not posted: no token (set GITHUB_TOKEN to post)", err=True)
    if any(r.failed for r in reviews):
        sys.exit(1)


def _github_outputs(comment_file: Path, reviews: list[FileReview], text: str) -> None:
    outputs = os.environ.get("GITHUB_OUTPUT")
    if outputs:
        with open(outputs, "a", encoding="utf-8") as f:
            f.write(f"comment={comment_file}\n")
            f.write(f"problems={sum(r.failed for r in reviews)}\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
