"""The language server through its protocol, on the journeys of journeys/."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cxjourney import load
from cxjourney.language.fmt import format_source
from tests.conftest import JOURNEYS, ROOT, run_cli
from tests.lsp.client import LspClient, apply_edits, position_of

pytest.importorskip("pygls")

HOTEL = (JOURNEYS / "hotel_stay.journey").read_text(encoding="utf-8")

LIBRARY = """\
persona regular "Regular guest" {
  share 70%
  visits every 2 weeks
}

persona tourist "Tourist" {
  share 30%
  visits every 1 year
}
"""

USING = """\
use "people/guests.journey"

journey "Front desk" {
  stage visit {
    touchpoint desk "Front desk" {
      expect 3
    }
    touchpoint bar {
      expect 3.5
    }
  }
  flow {
    start -> desk
    desk -> bar 40% for regular
    desk -> bar 10%
    desk -> end
    bar -> end
  }
  scenario faster {
    regular.visits = 10 days
  }
}
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    for name in ("hotel_stay.journey", "clinic_visit.journey"):
        shutil.copy(JOURNEYS / name, root / name)
    (root / "people").mkdir()
    (root / "people" / "guests.journey").write_text(LIBRARY, encoding="utf-8")
    (root / "front.journey").write_text(USING, encoding="utf-8")
    # never opened: found by scanning the workspace folder
    (root / "people" / "back.journey").write_text(
        USING.replace("people/guests.journey", "guests.journey"), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def client(workspace: Path):
    started = LspClient(workspace)
    yield started
    started.close()


def check_json(path: Path) -> list[dict]:
    result = run_cli("check", "--format", "json", str(path))
    return json.loads(result.stdout)


def test_capabilities_cover_every_feature(client: LspClient) -> None:
    caps = client.capabilities
    for name in (
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "foldingRangeProvider",
        "codeActionProvider",
    ):
        assert caps.get(name), name


def test_diagnostics_equal_checks(client: LspClient, workspace: Path) -> None:
    broken = (
        HOTEL.replace("horizon 1 year", "horizon 1 yeer")
        .replace("      expect 3.8\n      delivers 4.1", "      expectt 3.8\n      delivers 4.1")
        .replace("desk -> room\n", "desk -> rom\n")
        .replace("desk.capacity = 3", "dsk.capacity = 3")
    )
    path = workspace / "broken.journey"
    path.write_text(broken, encoding="utf-8")
    expected = check_json(path)
    assert len(expected) >= 3
    mark = len(client.notifications)
    uri = client.open(path)
    published = client.diagnostics(uri, mark)
    got = sorted(
        (d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["message"])
        for d in published
    )
    want = sorted(
        (
            d["line"],
            d["column"],
            d["message"] + (f"\nhint: {d['hint']}" if d["hint"] else ""),
        )
        for d in expected
    )
    assert got == want
    severity = {"error": 1, "warning": 2}  # LSP's DiagnosticSeverity
    assert sorted(d["severity"] for d in published) == sorted(
        severity[d["severity"]] for d in expected
    )
    assert 1 in {d["severity"] for d in published}
    assert all(d["source"] == "cxjourney" for d in published)
    # the hints that name a word are quick fixes
    (unit,) = [d for d in published if "unknown unit 'yeer'" in d["message"]]
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": unit["range"], "context": {"diagnostics": [unit]}},
    )
    assert [a["title"] for a in actions] == ["Change 'yeer' to 'year'"]
    fixed = apply_edits(broken, actions[0]["edit"]["changes"][uri])
    assert "horizon 1 year" in fixed and fixed.count("\n") == broken.count("\n")
    # fixing the file clears its errors; the example's own warnings stay, as check gives them
    mark = len(client.notifications)
    client.change(uri, HOTEL)
    left = client.diagnostics(uri, mark)
    assert {d["severity"] for d in left} <= {2}
    assert len(left) == len(check_json(JOURNEYS / "hotel_stay.journey"))


def test_diagnostics_of_a_used_file_land_in_that_file(client: LspClient, tmp_path: Path) -> None:
    (tmp_path / "lib.journey").write_text(
        'persona p "P" {\n  share 100%\n  visits every 3 weeeks\n}\n', encoding="utf-8"
    )
    journey = tmp_path / "j.journey"
    journey.write_text(
        'use "lib.journey"\njourney "J" {\n  stage s {\n    touchpoint t { }\n  }\n}\n',
        encoding="utf-8",
    )
    expected = check_json(journey)
    assert [d["line"] for d in expected] == [3]
    mark = len(client.notifications)
    uri = client.open(journey)
    library = client.diagnostics((tmp_path / "lib.journey").as_uri(), mark)
    assert [
        (d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1) for d in library
    ] == [(d["line"], d["column"]) for d in expected]
    assert library[0]["message"].startswith(expected[0]["message"])
    assert client.diagnostics(uri, mark) == []


def test_hover_explains_attributes_units_and_names(client: LspClient, workspace: Path) -> None:
    uri = client.open(workspace / "hotel_stay.journey")
    line, col = position_of(HOTEL, "expect 3.8", offset=2)
    text = client.at("textDocument/hover", uri, line, col)["contents"]["value"]
    assert "expect" in text and "touchpoint" in text
    line, col = position_of(HOTEL, "patience 8 min", offset=12)
    assert "time unit" in client.at("textDocument/hover", uri, line, col)["contents"]["value"]
    line, col = position_of(HOTEL, "exp(3 min)", offset=1)
    assert "exponential" in client.at("textDocument/hover", uri, line, col)["contents"]["value"]
    line, col = position_of(HOTEL, "precheck -> desk", offset=13)
    named = client.at("textDocument/hover", uri, line, col)["contents"]["value"]
    assert "Checks in at the front desk" in named and "capacity 2" in named
    line, col = position_of(HOTEL, "desk.notready.chance", offset=7)
    event = client.at("textDocument/hover", uri, line, col)["contents"]["value"]
    assert "Room not ready at 3 pm" in event
    line, col = position_of(HOTEL, "negativity 2.25", offset=3)
    assert "negativity" in client.at("textDocument/hover", uri, line, col)["contents"]["value"]


def test_hover_uses_the_table_of_facts_when_present(client: LspClient, workspace: Path) -> None:
    facts = pytest.importorskip("cxjourney.language.facts")
    uri = client.open(workspace / "hotel_stay.journey")
    line, col = position_of(HOTEL, "max_wait 5 min", offset=2)
    text = client.at("textDocument/hover", uri, line, col)["contents"]["value"]
    assert facts.lookup("touchpoint", "max_wait").meaning in text


def labels(result) -> set[str]:
    items = result["items"] if isinstance(result, dict) else result
    return {item["label"] for item in items}


TOUCHPOINTS = {
    "booking",
    "ota_booking",
    "precheck",
    "desk",
    "mobilekey",
    "room",
    "fix",
    "restaurant",
    "checkout",
    "express",
    "review",
}


def test_completion_in_a_flow_and_a_scenario(client: LspClient, workspace: Path) -> None:
    path = workspace / "hotel_stay.journey"
    typing = HOTEL.replace(
        "    review -> end\n", "    review -> end\n    express -> \n    desk -> end 10% for \n"
    ).replace(
        "    desk.capacity = 3\n", "    desk.capacity = 3\n    desk.\n    \n    room.noise.\n"
    )
    uri = client.open(path, typing)
    client.change(uri, typing)
    line, col = position_of(typing, "express -> \n", offset=len("express -> "))
    offered = labels(client.at("textDocument/completion", uri, line, col))
    assert TOUCHPOINTS | {"end", "exit"} <= offered
    assert "business" not in offered
    line, col = position_of(typing, "10% for \n", offset=len("10% for "))
    assert labels(client.at("textDocument/completion", uri, line, col)) == {
        "business",
        "leisure",
        "conference",
    }
    line, col = position_of(typing, "    desk.\n", offset=len("    desk."))
    offered = labels(client.at("textDocument/completion", uri, line, col))
    assert {"upgrade", "notready", "rush", "capacity", "service", "max_wait"} <= offered
    assert "view" not in offered  # an event of another touchpoint
    line, _ = position_of(typing, "    desk.\n    \n")
    offered = labels(client.at("textDocument/completion", uri, line + 1, 4))
    assert TOUCHPOINTS | {"business", "cost", "add", "remove", "flow"} <= offered
    line, col = position_of(typing, "room.noise.", offset=len("room.noise."))
    assert labels(client.at("textDocument/completion", uri, line, col)) == {"chance", "impact"}


def test_completion_of_keywords_units_and_distributions(client: LspClient, workspace: Path) -> None:
    path = workspace / "hotel_stay.journey"
    typing = HOTEL.replace(
        "      max_wait 5 min\n      moment_of_truth\n",
        "      max_wait 5 min\n      moment_of_truth\n      \n      service \n      max_wait 4 \n"
        '      delighter wow "Wow" \n      disappointer cold "Cold" chance 5% \n',
    )
    uri = client.open(path, typing)
    client.change(uri, typing)
    line, _ = position_of(typing, "moment_of_truth\n      \n")
    offered = labels(client.at("textDocument/completion", uri, line + 1, 6))
    assert {"channel", "owner", "expect", "delivers", "delighter", "recovers"} <= offered
    assert "share" not in offered
    line, col = position_of(typing, "service \n", offset=len("service "))
    assert {"exp", "normal", "uniform"} <= labels(
        client.at("textDocument/completion", uri, line, col)
    )
    line, col = position_of(typing, "max_wait 4 \n", offset=len("max_wait 4 "))
    assert {"min", "s", "h", "days"} <= labels(client.at("textDocument/completion", uri, line, col))
    line, col = position_of(typing, '"Wow" \n', offset=len('"Wow" '))
    assert labels(client.at("textDocument/completion", uri, line, col)) == {"chance"}
    line, col = position_of(typing, "chance 5% \n", offset=len("chance 5% "))
    assert labels(client.at("textDocument/completion", uri, line, col)) == {"impact"}


def test_rename_changes_every_reference_and_still_checks(
    client: LspClient, workspace: Path, tmp_path: Path
) -> None:
    path = workspace / "hotel_stay.journey"
    uri = client.open(path, HOTEL)
    client.change(uri, HOTEL)
    line, col = position_of(HOTEL, 'touchpoint desk "', offset=len("touchpoint "))
    edit = client.at("textDocument/rename", uri, line, col, newName="front_desk")
    edits = edit["changes"][uri]
    assert len(edits) == 8  # its definition, four flow lines, three scenario lines
    renamed = apply_edits(HOTEL, edits)
    assert "channel desk" in renamed  # a channel of the same name is not the touchpoint
    out = tmp_path / "renamed.journey"
    out.write_text(renamed, encoding="utf-8")
    loaded = load(str(out))
    assert loaded.ok, loaded.diagnostics
    before = load(str(path)).journey
    after = loaded.journey
    assert after.touchpoint("desk") is None and after.touchpoint("front_desk") is not None
    assert len(after.edges) == len(before.edges)
    # a disappointer named in a `recovers` line and a scenario
    line, col = position_of(HOTEL, "disappointer noise", offset=len("disappointer "))
    edits = client.at("textDocument/rename", uri, line, col, newName="lift_noise")["changes"][uri]
    assert len(edits) == 2
    out.write_text(apply_edits(HOTEL, edits), encoding="utf-8")
    assert load(str(out)).ok


def test_rename_refuses_what_is_not_a_name(client: LspClient, workspace: Path) -> None:
    uri = client.open(workspace / "hotel_stay.journey", HOTEL)
    client.change(uri, HOTEL)
    line, col = position_of(HOTEL, 'touchpoint desk "', offset=len("touchpoint "))
    with pytest.raises(Exception, match="not a name"):
        client.at("textDocument/rename", uri, line, col, newName="front desk")


def test_definition_and_references_across_a_use(
    client: LspClient, workspace: Path, tmp_path: Path
) -> None:
    journey = workspace / "front.journey"
    library = workspace / "people" / "guests.journey"
    assert load(str(journey)).ok
    uri = client.open(journey)
    line, col = position_of(USING, "for regular", offset=len("for "))
    found = client.at("textDocument/definition", uri, line, col)
    assert found == [
        {
            "uri": library.as_uri(),
            "range": {
                "start": {"line": 0, "character": 8},
                "end": {"line": 0, "character": 15},
            },
        }
    ]
    line, col = position_of(USING, '"people/guests.journey"', offset=3)
    assert client.at("textDocument/definition", uri, line, col)[0]["uri"] == library.as_uri()
    # references from the library find the journey's uses (a flow edge and a scenario)
    lib_uri = library.as_uri()
    refs = client.at(
        "textDocument/references", lib_uri, 0, 10, context={"includeDeclaration": True}
    )
    where = sorted((r["uri"].rsplit("/", 1)[-1], r["range"]["start"]["line"]) for r in refs)
    assert where == [
        ("back.journey", 13),
        ("back.journey", 19),
        ("front.journey", 13),
        ("front.journey", 19),
        ("guests.journey", 0),
    ]
    # renaming the persona in its library changes the journey too, and both still check
    edit = client.at("textDocument/rename", lib_uri, 0, 10, newName="frequent")
    back = (workspace / "people" / "back.journey").as_uri()
    assert set(edit["changes"]) == {uri, lib_uri, back}
    copy = tmp_path / "copy"
    (copy / "people").mkdir(parents=True)
    (copy / "people" / "guests.journey").write_text(apply_edits(LIBRARY, edit["changes"][lib_uri]))
    (copy / "front.journey").write_text(apply_edits(USING, edit["changes"][uri]))
    loaded = load(str(copy / "front.journey"))
    assert loaded.ok, loaded.diagnostics
    assert [p.id for p in loaded.journey.personas] == ["frequent", "tourist"]
    assert loaded.journey.flow[1].persona == "frequent"
    # hover on the persona in the journey shows its block from the library
    line, col = position_of(USING, "for regular", offset=len("for "))
    text = client.at("textDocument/hover", uri, line, col)["contents"]["value"]
    assert "from `guests.journey`" in text and "visits every 2 weeks" in text


def test_document_symbols_outline_the_journey(client: LspClient, workspace: Path) -> None:
    uri = client.open(workspace / "hotel_stay.journey", HOTEL)
    client.change(uri, HOTEL)
    (journey,) = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert journey["name"] == "Hotel stay"
    children = [c["name"] for c in journey["children"]]
    assert children[:3] == ["business", "leisure", "conference"]
    assert [c["name"] for c in journey["children"] if c["detail"].startswith("stage")] == [
        "book",
        "arrive",
        "stay",
        "depart",
    ]
    arrive = next(c for c in journey["children"] if c["name"] == "arrive")
    assert [c["name"] for c in arrive["children"]] == ["desk", "mobilekey"]
    desk = arrive["children"][0]
    assert [c["name"] for c in desk["children"]] == ["upgrade", "notready", "rush"]
    assert {"fix_first", "breakfast", "salient", "digital"} <= set(children)


def test_folding_ranges_cover_blocks_and_comments(client: LspClient, workspace: Path) -> None:
    uri = client.open(workspace / "hotel_stay.journey", HOTEL)
    client.change(uri, HOTEL)
    ranges = client.request("textDocument/foldingRange", {"textDocument": {"uri": uri}})
    spans = {(r["startLine"], r["endLine"]) for r in ranges}
    lines = HOTEL.split("\n")
    assert (0, 1) in spans  # the two comment lines at the top
    journey_start = next(i for i, x in enumerate(lines) if x.startswith("journey"))
    assert (journey_start, len(lines) - 2) in spans
    assert len(spans) >= 25


def test_formatting_is_fmt(client: LspClient, workspace: Path) -> None:
    messy = HOTEL.replace("    share 45%", "        share    45%").replace(
        "  horizon 1 year", "horizon   1 year"
    )
    uri = client.open(workspace / "hotel_stay.journey", messy)
    client.change(uri, messy)
    edits = client.request(
        "textDocument/formatting",
        {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}},
    )
    assert apply_edits(messy, edits) == format_source(messy)
    client.change(uri, HOTEL, version=3)
    tidy = client.request(
        "textDocument/formatting",
        {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}},
    )
    assert tidy == []  # the journeys of the repository are formatted


def test_lsp_without_pygls_says_how_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('no pygls', name='pygls')\n")
    result = subprocess.run(
        [sys.executable, "-m", "cxjourney", "lsp"],
        capture_output=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert b"pip install 'cxjourney[lsp]'" in result.stderr
    assert b"Traceback" not in result.stderr


def test_positions_in_the_encoding_the_client_chose(tmp_path: Path) -> None:
    text = HOTEL.replace('"Handwritten note', '"☕ Handwritten note')
    path = tmp_path / "hotel.journey"
    path.write_text(text, encoding="utf-8")
    line, col = position_of(text, "☕")
    chance = text.split("\n")[line].index("chance", col)
    for encoding, extra in (("utf-8", 2), ("utf-16", 0)):  # ☕: 3 bytes, 1 UTF-16 unit
        client = LspClient(tmp_path, encodings=[encoding])
        try:
            assert client.capabilities["positionEncoding"] == encoding
            uri = client.open(path)
            found = client.at("textDocument/hover", uri, line, chance + extra + 1)
            assert "chance" in found["contents"]["value"]
            assert found["range"]["start"] == {"line": line, "character": chance + extra}
        finally:
            client.close()
