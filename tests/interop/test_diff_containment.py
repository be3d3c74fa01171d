"""The git diff driver reads used files from the version's own revision, with check's
containment, and nothing a user types reaches git as an option."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.interop.commands import argv, run

JOURNEY = """\
use "lib.journey"

journey "Shop" {{
  customers {customers}
  stage s {{
    touchpoint t {{ }}
  }}
}}
"""
LIBRARY = """\
persona p {{
  share {p}%
}}
persona q {{
  share {q}%
}}
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two commits of maps/shop.journey and its library, and an uncommitted library."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    maps = root / "maps"
    maps.mkdir(parents=True)
    git(root, "init", "-q")
    (root / ".gitattributes").write_text("*.journey diff=journey\n")
    for customers, p in ((100, 60), (200, 50)):
        (maps / "shop.journey").write_text(JOURNEY.format(customers=customers))
        (maps / "lib.journey").write_text(LIBRARY.format(p=p, q=100 - p))
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", f"customers {customers}")
    (maps / "lib.journey").write_text(LIBRARY.format(p=30, q=70))  # not committed
    return root


def driver(repo: Path, *args: str, cwd: Path | None = None) -> str:
    command = f"diff.journey.command={shlex.join(argv('diff'))}"
    return git(cwd or repo, "-c", command, *args)


def test_the_old_versions_used_files_come_from_its_own_revision(repo: Path) -> None:
    out = driver(repo, "diff", "HEAD~1", "HEAD", "--", "maps/shop.journey")
    assert "~ customers: 100 → 200" in out
    # the old side's library is HEAD~1's 60%, not the working tree's 30% (git hands the
    # new side over as the working tree's file, whose library is the working tree's)
    assert "~ p share: 60% → " in out
    (repo / "maps" / "shop.journey").write_text(JOURNEY.format(customers=300))
    both_old = driver(repo, "diff", "HEAD~1", "HEAD", "--", "maps/shop.journey")
    assert "~ p share: 60% → 50%" in both_old  # each side from its own commit


def test_a_used_file_linked_out_of_the_repository_is_not_read(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.journey"
    secret.write_text("persona p {\n  share 100%\n}\nTOP-SECRET-LINE\n")
    lib = repo / "maps" / "lib.journey"
    lib.unlink()
    lib.symlink_to(secret)
    git(repo, "add", "maps/lib.journey")
    git(repo, "commit", "-q", "-m", "link out")
    journey = repo / "maps" / "shop.journey"
    journey.write_text(JOURNEY.format(customers=300))
    for args in (("diff",), ("diff", "HEAD~1", "HEAD"), ("diff", "HEAD~2"), ("log", "-p", "-3")):
        out = driver(repo, *args)
        assert "TOP-SECRET-LINE" not in out, args


@pytest.mark.parametrize("spec", ["--output=stolen.txt:maps/shop.journey", "-p:maps/shop.journey"])
def test_a_revision_starting_with_a_dash_never_reaches_git(repo: Path, spec: str) -> None:
    done = run("diff", "--", spec, "maps/shop.journey", cwd=repo)
    assert done.returncode == 2, done.stderr.decode()
    assert "starts with '-'" in done.stderr.decode()
    assert not (repo / "stolen.txt").exists()


def test_rev_path_from_a_subfolder_reads_the_file_beside_you(repo: Path) -> None:
    done = run("diff", "HEAD~1:shop.journey", "HEAD:shop.journey", cwd=repo / "maps")
    assert done.returncode == 0, done.stderr.decode()
    assert "~ customers: 100 → 200" in done.stdout.decode()
    missing = run("diff", "HEAD:nothing.journey", "shop.journey", cwd=repo / "maps")
    err = missing.stderr.decode()
    assert missing.returncode == 2 and "repository's root" in err and "hint:" not in err
