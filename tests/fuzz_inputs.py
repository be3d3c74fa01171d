"""Mutated journeys for fuzzing: junk, cuts, swapped lines, extreme numbers, statements
that make runs huge. Shared by the suite's fuzz tests and the long run by hand."""

from __future__ import annotations

import random
import re

TINY_BASE = """\
journey "Tiny" {
  customers 20
  horizon 3 weeks
  persona walker "Walks in" {
    share 60%
    visits every 7 days
    patience 5 min
    spend 10
  }
  persona app {
    share 40%
    arrivals 2 per week
    visits every 10 days
    spend 12
  }
  stage visit {
    touchpoint door { }
    touchpoint counter {
      capacity 1
      service exp(2 min)
      delivers normal(3.5, 0.5)
      disappointer slow "Slow" chance 10% impact -1
    }
    touchpoint pay { }
  }
  flow {
    start -> door
    door -> counter
    counter -> door 20%
    counter -> door 30% for app
    counter -> pay
    pay -> end 90%
    pay -> exit
  }
  scenario faster "Faster counter" {
    cost 1000
    counter.service *= 0.5
  }
}
"""

NUMBERS = [
    "0",
    "1",
    "2",
    "0.5",
    "3",
    "7",
    "50",
    "99",
    "99.99",
    "100",
    "1000",
    "100000",
    "1000000",
    "1000000000",
    "0.001",
    "0.0001",
    "365",
    "36500",
    "5",
    "1" + "0" * 30,
]
UNITS = ["s", "min", "h", "days", "weeks", "years"]
STATEMENTS = [
    "  customers 1000000000",
    "  customers 0",
    "  horizon 1000 years",
    "  horizon 0.001 s",
    "    visits every 0.001 s",
    "    visits every 1 s",
    "    arrivals 1000000 per day",
    "    counter -> counter 99.99%",
    "    pay -> door 100% for walker",
    "    pay -> door 99.9%",
    "    capacity 1000000",
    "    service uniform(0 s, 0 s)",
    "    service lognormal(1 s, 100000 s)",
    "    patience 0.001 s",
    "  loyalty {\n    referral 500%\n  }",
    "  loyalty {\n    referral 100%\n  }",
    "    counter.service *= 0",
    "    flow pay -> door = 100%",
    "    flow counter -> door = 100% for app",
]
JUNK = '{}()"\\#%.,-+=>\n \tabcxyz19kM±é\x1b\x07\r\x00\u202e'
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits of any kind (most results do not check)."""
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(_EDITS)(text, rng)
    return text


def mutate_numbers(text: str, rng: random.Random) -> str:
    """Edits that keep the syntax and change sizes: numbers, units, size statements."""
    for _ in range(rng.randint(1, 3)):
        text = rng.choice((_number, _number, _unit, _statement))(text, rng)
    return text


def _junk(text: str, rng: random.Random) -> str:
    at = rng.randint(0, len(text))
    junk = "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 8)))
    return text[:at] + junk + text[at + rng.randint(0, 5) :]


def _cut(text: str, rng: random.Random) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + text[at + rng.randint(1, 40) :]


def _lines(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if rng.random() < 0.5:
        lines.insert(j, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _number(text: str, rng: random.Random) -> str:
    found = list(_NUMBER.finditer(text))
    if not found:
        return text
    match = rng.choice(found)
    return text[: match.start()] + rng.choice(NUMBERS) + text[match.end() :]


def _unit(text: str, rng: random.Random) -> str:
    found = list(re.finditer(r"\b(?:s|min|h|days|weeks|years)\b", text))
    if not found:
        return text
    match = rng.choice(found)
    return text[: match.start()] + rng.choice(UNITS) + text[match.end() :]


def _statement(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    at = rng.randrange(1, max(2, len(lines) - 2))
    lines.insert(at, rng.choice(STATEMENTS))
    return "\n".join(lines)


_EDITS = (_junk, _cut, _lines, _number, _unit, _statement)
