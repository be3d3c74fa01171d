"""A small journey in a git repository of its own: what the studio's tests serve."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

#: Two touchpoints, a delighter, a scenario; small enough that a forecast takes a second.
SMALL = """\
journey "Small shop" {
  customers 30
  horizon 2 weeks
  persona p "Regular" {
    share 100%
    visits every 3 days
    spend 10
  }
  stage s "Shop" {
    touchpoint order "Orders online" {
      channel web
      delighter gift "A free sample" chance 20% impact +1
    }
    touchpoint deliver "Delivers the parcel" {
      channel courier
      disappointer late "Arrives late" chance 10% impact -2
    }
  }
  scenario faster "Faster courier" {
    cost 5k
    deliver.late.chance = 2%
  }
}
"""


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def committed_folder(folder: Path, files: dict[str, str]) -> Path:
    """FOLDER as a git repository whose last commit holds FILES."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "journeys")
    return folder


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return committed_folder(tmp_path / "repo", {"shop.journey": SMALL})
