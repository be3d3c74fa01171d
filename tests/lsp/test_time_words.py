"""Delays, time taken, repeat starts, busy hours and windows through the protocol, as an
editor sees them: hover says what they mean, completion offers them where they fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxjourney import load
from cxjourney.language import facts
from tests.lsp.client import LspClient, apply_edits, position_of

pytest.importorskip("pygls")

TIMED = """\
journey "Broadband" {
  persona family {
    share 100%
    visits every 30 days from use  # repeats start at use
    arrivals 40 per week
    busy mon-fri 9:00-12:00 3x
    busy daily 22:00-6:00 0.1x
  }
  stage join {
    touchpoint order { }
    touchpoint install {
      after lognormal(6 days, 3 days)
      takes normal(2 h, 30 min)
      max_wait 8 days
    }
  }
  stage live {
    touchpoint use { }
    touchpoint support {
      capacity 2
      capacity 4 mon, wed, fri-sat 8:00-18:00
      service exp(12 min)
    }
  }
  flow {
    order -> install
    install -> use after exp(4 h)
    use -> support 20% after exp(3 days) for family
    use -> support 10%
    use -> end
    support -> end
  }
  scenario mornings {
    install.after *= 0.5
    support.capacity += 2 weekdays 8:00-12:00
  }
}
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("timed")
    (folder / "timed.journey").write_text(TIMED, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def client(root: Path):
    started = LspClient(root)
    yield started
    started.close()


@pytest.fixture(scope="module")
def uri(client: LspClient, root: Path) -> str:
    return client.open(root / "timed.journey")


def hover(client: LspClient, uri: str, needle: str, offset: int = 0, occurrence: int = 0) -> dict:
    line, col = position_of(TIMED, needle, occurrence, offset)
    found = client.at("textDocument/hover", uri, line, col)
    assert found is not None, needle
    return found


def covered(found: dict) -> tuple[int, int]:
    start, end = found["range"]["start"], found["range"]["end"]
    assert start["line"] == end["line"]
    return start["character"], end["character"]


def test_the_journey_is_valid() -> None:
    loaded = load("-", data=TIMED.encode())
    assert loaded.ok, [d.message for d in loaded.diagnostics]


@pytest.mark.parametrize(
    ("needle", "block", "name"),
    [
        ("after lognormal", "touchpoint", "after"),
        ("takes normal", "touchpoint", "takes"),
        ("busy mon-fri", "persona", "busy"),
        ("after exp(4 h)", "edge", "after"),
        ("after exp(3 days)", "edge", "after"),
        ("install.after", "touchpoint", "after"),
    ],
)
def test_hover_on_a_time_word_gives_its_facts(
    client: LspClient, uri: str, needle: str, block: str, name: str
) -> None:
    offset = needle.index(name) + 1
    text = hover(client, uri, needle, offset)["contents"]["value"]
    fact = facts.lookup(block, name)
    assert fact is not None and fact.meaning in text and fact.default in text


def test_hover_on_from_and_on_the_repeat_start(client: LspClient, uri: str) -> None:
    text = hover(client, uri, "from use", 1)["contents"]["value"]
    assert facts.lookup("persona", "from").meaning in text
    named = hover(client, uri, "from use", len("from "))["contents"]["value"]
    assert named.startswith("**touchpoint** `use`")


def test_hover_on_capacity_with_a_window_is_capacity_by_time(client: LspClient, uri: str) -> None:
    shifts = facts.lookup("touchpoint", "shifts").meaning
    windowed = hover(client, uri, "capacity 4 mon", 1)["contents"]["value"]
    assert windowed.startswith("**capacity** in a window") and shifts in windowed
    plain = hover(client, uri, "capacity 2", 1)["contents"]["value"]
    assert facts.lookup("touchpoint", "capacity").meaning in plain and shifts not in plain
    change = hover(client, uri, "support.capacity", len("support.c"))["contents"]["value"]
    assert shifts in change


@pytest.mark.parametrize(
    ("needle", "offset", "window", "days", "hours", "per_week"),
    [
        ("9:00-12:00 3x", 1, "mon-fri 9:00-12:00", "Monday to Friday", "9:00 to 12:00", 15),
        ("22:00-6:00", 6, "daily 22:00-6:00", "every day", "22:00 to 6:00 the next day", 56),
        (
            "8:00-18:00",
            0,
            "mon, wed, fri-sat 8:00-18:00",
            "Monday, Wednesday, Friday to Saturday",
            "8:00 to 18:00",
            40,
        ),
        ("weekdays 8:00", 12, "weekdays 8:00-12:00", "Monday to Friday", "8:00 to 12:00", 20),
    ],
)
def test_hover_on_a_window_says_what_it_covers(
    client: LspClient,
    uri: str,
    needle: str,
    offset: int,
    window: str,
    days: str,
    hours: str,
    per_week: int,
) -> None:
    found = hover(client, uri, needle, offset)
    text = found["contents"]["value"]
    assert text.startswith(f"**{window}**: a time of the week")
    assert f"- days: {days}\n" in text and f"- hours: {hours}" in text
    assert f"- {per_week} hours a week" in text
    line = TIMED.split("\n")[position_of(TIMED, needle)[0]]
    assert covered(found) == (line.index(window), line.index(window) + len(window))


@pytest.mark.parametrize(
    ("needle", "offset", "meaning"),
    [
        ("mon-fri 9", 0, "Monday"),
        ("mon-fri 9", 5, "Friday"),
        ("daily 22", 2, "every day of the week"),
        ("weekdays 8", 3, "Monday to Friday"),
        ("wed, fri", 1, "Wednesday"),
    ],
)
def test_hover_on_a_day_word(
    client: LspClient, uri: str, needle: str, offset: int, meaning: str
) -> None:
    found = hover(client, uri, needle, offset)
    text = found["contents"]["value"]
    word = text.split("**")[1]
    assert text.startswith(f"**{word}**: {meaning}") and "a time of the week" in text
    start, end = covered(found)
    assert end - start == len(word)


def test_hover_on_a_busy_density(client: LspClient, uri: str) -> None:
    for offset in (0, 1):
        found = hover(client, uri, "3x", offset)
        assert found["contents"]["value"].startswith("**3x**: arrivals 3 times as dense")
    assert hover(client, uri, "0.1x", 3)["contents"]["value"].startswith("**0.1x**")


def labels(result) -> list[str]:
    items = result["items"] if isinstance(result, dict) else result
    return [item["label"] for item in items]


DAY_WORDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekdays", "weekends", "daily"]


@pytest.mark.parametrize(
    ("anchor", "typed", "expected"),
    [
        ("    share 100%\n", "    ", ["busy", "visits", "arrivals"]),
        ("      max_wait 8 days\n", "      ", ["after", "takes", "capacity", "max_wait"]),
        ("    share 100%\n", "    visits every 2 weeks ", ["from"]),
        ("    share 100%\n", "    visits every 2 weeks from ", ["order", "install", "use"]),
        ("    share 100%\n", "    busy ", DAY_WORDS),
        ("    share 100%\n", "    busy sat-", DAY_WORDS[:7]),
        ("    share 100%\n", "    busy sat, ", DAY_WORDS),
        ("      capacity 2\n", "      capacity 5 ", DAY_WORDS),
        ("    install.after *= 0.5\n", "    support.capacity -= 1 ", DAY_WORDS),
        ("      max_wait 8 days\n", "      takes ", ["exp", "lognormal", "normal"]),
        ("      max_wait 8 days\n", "      after 2 ", ["min", "h", "days"]),
        ("    support -> end\n", "    support -> exit ", ["after"]),
        ("    support -> end\n", "    support -> exit 5% ", ["after", "for"]),
        ("    support -> end\n", "    support -> exit 5% after ", ["exp", "uniform"]),
        ("    support -> end\n", "    support -> exit after exp(2 ", ["min", "h", "days"]),
    ],
)
def test_completion_offers_time_words_where_they_fit(
    client: LspClient, uri: str, anchor: str, typed: str, expected: list[str]
) -> None:
    typing = TIMED.replace(anchor, anchor + typed + "\n", 1)
    client.change(uri, typing)
    try:
        line, _ = position_of(typing, anchor + typed)
        offered = labels(client.at("textDocument/completion", uri, line + 1, len(typed)))
    finally:
        client.change(uri, TIMED)
    assert set(expected) <= set(offered), offered
    if expected in (DAY_WORDS, DAY_WORDS[:7], ["after"], ["after", "for"], ["from"]):
        assert offered == expected


@pytest.mark.parametrize(
    ("anchor", "typed"),
    [
        ("    share 100%\n", "    busy mon-fri "),  # the window is written: no more days
        ("    install.after *= 0.5\n", "    flow use -> support "),  # a scenario: no delay
        ("      capacity 2\n", "      service 5 "),  # a unit, not a day
    ],
)
def test_completion_offers_no_day_or_delay_where_none_fits(
    client: LspClient, uri: str, anchor: str, typed: str
) -> None:
    typing = TIMED.replace(anchor, anchor + typed + "\n", 1)
    client.change(uri, typing)
    try:
        line, _ = position_of(typing, anchor + typed)
        offered = labels(client.at("textDocument/completion", uri, line + 1, len(typed)))
    finally:
        client.change(uri, TIMED)
    assert not set(offered) & {"mon", "weekdays", "after"}, offered


def test_renaming_the_repeat_start_renames_its_from(
    client: LspClient, uri: str, tmp_path: Path
) -> None:
    client.change(uri, TIMED)
    line, col = position_of(TIMED, "touchpoint use", offset=len("touchpoint "))
    edits = client.at("textDocument/rename", uri, line, col, newName="usage")["changes"][uri]
    renamed = apply_edits(TIMED, edits)
    assert "visits every 30 days from usage" in renamed
    loaded = load("-", data=renamed.encode())
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    assert loaded.journey.personas[0].repeat_from == "usage"
