"""The pull-request review script, on a temporary git repository with two commits."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import JOURNEYS, ROOT

HOTEL = (JOURNEYS / "hotel_stay.journey").read_text(encoding="utf-8")
SMALL = HOTEL.replace("customers 3000", "customers 200")

LIBRARY = 'persona regular "Regular" {\n  share 100%\n  visits every 2 weeks\n}\n'
USER = """\
use "people.journey"

journey "Kiosk" {
  stage s {
    touchpoint kiosk {
      expect 3
    }
  }
}
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """First commit: three journeys and a persona library. Second: the hotel gets a third
    desk agent, a badly laid out and broken new journey, the library's visits change."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    maps = root / "maps"
    maps.mkdir(parents=True)
    (maps / "hotel.journey").write_text(SMALL, encoding="utf-8")
    (maps / "people.journey").write_text(LIBRARY, encoding="utf-8")
    (maps / "kiosk.journey").write_text(USER, encoding="utf-8")
    shutil.copy(JOURNEYS / "clinic_visit.journey", maps / "clinic.journey")  # not changed
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    changed = SMALL.replace(
        "      capacity 2\n      service 6 min", "      capacity 3\n      service 6 min"
    )
    (maps / "hotel.journey").write_text(changed, encoding="utf-8")
    (maps / "people.journey").write_text(LIBRARY.replace("2 weeks", "3 weeks"))
    (maps / "new.journey").write_text(
        'journey "New" {\n    horizon 2 weks\n  stage s {\n    touchpoint t { }\n  }\n}\n'
    )
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "second")
    return root


def review(repo: Path, *args: str, env: dict[str, str] | None = None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "cxjourney.cli.review", "--base", "HEAD~1", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=300,
    )


def test_the_comment_reviews_every_changed_journey(repo: Path) -> None:
    done = review(repo, "-o", "out")
    assert done.returncode == 1, done.stderr  # the new journey does not check
    text = (repo / "out" / "comment.md").read_text(encoding="utf-8")
    assert text.startswith("<!-- cxjourney-review -->\n## cxjourney review\n")
    assert "❌ 1 file to fix before merging." in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows == [
        "| `maps/hotel.journey` | ✅ | ✅ | maps__hotel.svg |",
        "| `maps/kiosk.journey` | ✅ | ✅ | maps__kiosk.svg |",  # uses the changed library
        "| `maps/new.journey` | ❌ run `cxjourney fmt` | ❌ 2 errors | — |",
        "| `maps/people.journey` | ✅ | ✅ | — |",
    ]
    assert "maps/new.journey:2:15: error: unknown unit 'weks'" in text
    assert "- ✏️ touchpoint `desk` capacity: `2` → `3`" in text
    assert "- ✏️ persona `regular` visits every: `2 weeks` → `3 weeks`" in text
    assert "Verdict" not in text  # no forecast without --simulate
    assert (repo / "out" / "maps" / "maps__hotel.svg").read_text().lstrip().startswith("<")
    assert "not posted: no token" in done.stderr
    assert "clinic" not in text


def test_a_clean_pull_request_passes_and_posts_with_a_token(repo: Path, tmp_path: Path) -> None:
    (repo / "maps" / "new.journey").unlink()
    git(repo, "commit", "-q", "-am", "drop the broken file")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.txt"
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')  # a stand-in that records its calls
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_TOKEN": "secret",
        "GITHUB_REPOSITORY": "team/maps",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(tmp_path / "outputs.txt"),
    }
    done = review(repo, "--base", "HEAD~2", "-o", "out", env=env)
    assert done.returncode == 0, done.stderr
    text = (repo / "out" / "comment.md").read_text(encoding="utf-8")
    assert "✅ Every changed journey is formatted and checks." in text
    posted = calls.read_text().splitlines()
    assert posted[0].startswith("api repos/team/maps/issues/7/comments --paginate")
    assert (
        posted[1] == f"api -X POST repos/team/maps/issues/7/comments -F body=@{repo}/out/comment.md"
    )
    assert "posted the review comment" in done.stderr
    outputs = (tmp_path / "outputs.txt").read_text()
    assert "problems=0" in outputs


@pytest.mark.slow
def test_simulate_adds_each_journeys_forecast(repo: Path) -> None:
    done = review(repo, "-o", "out", "--simulate", "-n", "2", "--horizon", "2 weeks")
    text = (repo / "out" / "comment.md").read_text(encoding="utf-8")
    assert done.returncode == 1, done.stderr
    hotel = text.split("### Journey change: Hotel stay")[1]
    assert "Verdict:" in hotel and "| NPS |" in hotel
    assert "2 replications, seed 1, 14 days" in hotel


def test_no_changed_journeys(repo: Path) -> None:
    done = review(repo, "--base", "HEAD", "-o", "out")
    assert done.returncode == 0
    assert "No journey files changed." in (repo / "out" / "comment.md").read_text()


def test_the_action_uses_only_what_it_declares_and_the_script_accepts() -> None:
    import re

    from cxjourney.cli.review import main

    action = (ROOT / ".github" / "actions" / "cxjourney-review" / "action.yml").read_text()
    declared = set(re.findall(r"^  ([a-z-]+):\n    description:", action, re.M))
    used = set(re.findall(r"inputs\.([a-z-]+)", action))
    assert used <= declared and "using: composite" in action
    assert "python -m cxjourney.cli.review" in action
    options = {o for p in main.params for o in p.opts}
    argument_lines = "\n".join(
        line for line in action.splitlines() if "args+=" in line or "args=" in line
    )
    given = set(re.findall(r"(?<=[(\s])(--?[a-z]+)\b", argument_lines))
    assert {"--base", "--simulate", "-n"} <= given
    assert given <= options, given - options
    docs = (ROOT / "docs" / "editors-and-review.md").read_text(encoding="utf-8")
    assert "uses: ./.github/actions/cxjourney-review" in docs
