from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

from cxjourney import load

# No per-example deadline: the machines running the suite are shared and their speed
# varies from day to day; a slow example is not a failing one.
settings.register_profile("cxjourney", deadline=None)
settings.load_profile("cxjourney")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow run first, the rest in file order: with several workers
    (pytest-xdist hands out files in the order of their first test, see pyproject's
    --dist loadfile) the files of the longest tests start at once and the short ones fill
    in around them, so no worker is left finishing a long file alone at the end. Every
    test still runs."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


ROOT = Path(__file__).resolve().parents[1]
#: Copies of the language contract's examples (coffee, broadband and its persona library),
#: kept byte for byte because golden outputs and known answers depend on their content.
SPEC_EXAMPLES = ROOT / "tests" / "data"
JOURNEYS = ROOT / "journeys"


def load_text(text: str, tmp_path: Path | None = None, name: str = "test.journey"):
    """Load a journey from text (dedented) as a file would be."""
    text = textwrap.dedent(text).lstrip("\n")
    if tmp_path is None:
        return load("-", data=text.encode("utf-8"), name=name)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load(str(path))


def errors(text: str, tmp_path: Path | None = None) -> list[tuple[int, int, str]]:
    loaded = load_text(text, tmp_path)
    return [(d.line, d.column, d.message) for d in loaded.diagnostics if d.severity == "error"]


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "cxjourney", *args],
        input=input,
        capture_output=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


def template(line: str = "") -> str:
    """A valid one-touchpoint journey with `line` (a journey-level statement) added."""
    return (
        'journey "T" {\n'
        f"  {line}\n"
        "  persona p {\n    share 100%\n  }\n"
        "  stage s {\n    touchpoint t { }\n  }\n"
        "}\n"
    )


MINIMAL = """\
journey "Minimal" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint t { }
  }
}
"""


@pytest.fixture
def minimal() -> str:
    return MINIMAL


def write(tmp_path: Path, text: str, name: str = "j.journey") -> str:
    """Write a journey's text to a file in `tmp_path`; its path, for the command line."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


#: A small shop with a queue and two scenarios, for the command line's words and formats.
SHOP = """\
journey "Shop" {
  customers 10
  horizon 2 weeks
  persona p {
    share 100%
    visits every 3 days
    spend 10
  }
  stage s {
    touchpoint courier {
      capacity 2
      service exp(2 min)
    }
  }
  scenario better "Better" {
    cost 100
    courier.capacity = 3
  }
  scenario best "Best" {
    cost 300
    courier.capacity = 4
  }
}
"""


@pytest.fixture
def shop(tmp_path: Path) -> str:
    path = tmp_path / "shop.journey"
    path.write_text(SHOP, encoding="utf-8")
    return str(path)


#: A queue that cannot keep up (offered load 1.67 at one courier), and a scenario that
#: adds a second courier.
OVERLOADED = """\
journey "Food delivery" {
  horizon 3 days
  customers 0
  persona hungry {
    share 100%
    arrivals 10 per hour
    patience 20 min
  }
  stage s {
    touchpoint order { }
    touchpoint courier {
      capacity 1
      service exp(10 min)
    }
  }
  scenario second "A second courier" {
    cost 5k
    courier.capacity = 2
  }
}
"""


_COFFEE = SPEC_EXAMPLES / "coffee.journey"  # the spec's example when present, else a journey here
BASE_FOR_FUZZ = (_COFFEE if _COFFEE.is_file() else JOURNEYS / "hotel_stay.journey").read_text(
    encoding="utf-8"
)
