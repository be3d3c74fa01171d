"""Mermaid actors on import: the customer is the persona, the teams that serve them the
owners. A Mermaid journey names the customer in most tasks (`Make tea: 5: Me`) and the
team beside them where one takes part (`Asks for help: 2: Customer, Web team`)."""

from __future__ import annotations

import re
from pathlib import Path

from cxjourney import load
from cxjourney.interop.mermaid import parse_mermaid, to_journey, to_mermaid
from tests.conftest import run_cli

SUPPORT = """\
journey
  title Getting help with a bill
  section Notice
    Opens the bill: 2: Customer
    Searches the help pages: 3: Customer, Web team
  section Ask
    Chats with the bot: 2: Customer, Bot team
    Talks to an agent: 4: Agent, Customer
    Agent files a refund: 3: Billing
"""


def owners_and_persona(source: str) -> tuple[list[str | None], list[str]]:
    journey = load("-", data=source.encode()).journey
    return [t.owner for t in journey.touchpoints], [p.label for p in journey.personas]


def test_the_customer_becomes_the_persona_and_never_an_owner(tmp_path: Path) -> None:
    path = tmp_path / "support.mmd"
    path.write_text(SUPPORT, encoding="utf-8")
    done = run_cli("import", str(path))
    assert done.returncode == 0, done.stderr.decode()
    owners, personas = owners_and_persona(done.stdout.decode())
    assert personas == ["Customer"]
    assert owners == [None, "Web team", "Bot team", "Agent", "Billing"]


def test_the_actor_in_every_task_of_mermaids_own_example_is_the_customer() -> None:
    diagram, _ = parse_mermaid(
        "journey\n  title My working day\n  section Go to work\n    Make tea: 5: Me\n"
        "    Go upstairs: 3: Me\n    Do work: 1: Me, Cat\n"
    )
    owners, personas = owners_and_persona(to_journey(diagram))
    assert personas == ["Me"] and owners == [None, None, "Cat"]


def test_a_diagram_of_teams_keeps_them_all_as_owners() -> None:
    diagram, _ = parse_mermaid(
        "journey\n  section Back office\n    Checks the order: 3: Warehouse\n"
        "    Ships it: 4: Logistics, Carrier\n    Sends the invoice: 3: Finance\n"
    )
    owners, personas = owners_and_persona(to_journey(diagram))
    assert personas == ["Customer"]
    assert owners == ["Warehouse", "Logistics, Carrier", "Finance"]


def test_export_names_the_customer_first_and_import_gives_the_owners_back() -> None:
    """One team owning every step stays an owner: export writes the customer beside it."""
    text = (
        'journey "Counter" {\n  persona regular "Regular" {\n    share 100%\n  }\n'
        '  stage s {\n    touchpoint a "Orders" {\n      owner "Operations"\n    }\n'
        '    touchpoint b "Pays" {\n      owner "Operations, Finance"\n    }\n  }\n}\n'
    )
    exported = to_mermaid(load("-", data=text.encode()).journey)
    assert re.findall(r": \d+: (.*)", exported) == [
        "Regular, Operations",
        "Regular, Operations, Finance",
    ]
    diagram, _ = parse_mermaid(exported)
    owners, personas = owners_and_persona(to_journey(diagram))
    assert personas == ["Regular"] and owners == ["Operations", "Operations, Finance"]
