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

This module parses the options and prints; the review is `cxjourney.interop.review`,
the comment `cxjourney.render.review_comment`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..interop.review import (
    GitError,
    post,
    pull_request_number,
    repository_top,
    review_changes,
    run_link,
    write_github_outputs,
)
from ..output import write_atomic
from ..render.review_comment import markdown


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
    try:
        top = repository_top()
    except GitError as err:
        raise click.ClickException(str(err)) from None
    os.chdir(top)
    target = Path(out) if Path(out).is_absolute() else Path(top) / out
    target.mkdir(parents=True, exist_ok=True)
    from ..sim.spec import RunSpec

    spec = RunSpec(seed=seed, replications=replications, horizon=minutes, workers=1)
    run = {"simulate": simulate, "spec": spec}
    try:
        reviews = review_changes(base, head, run, target)
    except GitError as err:
        raise click.ClickException(str(err)) from None
    text = markdown(reviews, run_link())
    comment_file = target / "comment.md"
    write_atomic(str(comment_file), text.encode("utf-8"))
    click.echo(f"wrote {comment_file}", err=True)
    write_github_outputs(comment_file, reviews, text)
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


if __name__ == "__main__":
    main()
