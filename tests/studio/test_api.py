"""The studio's API through Starlette's TestClient: its guards, and that it answers with
the library's own words (check's diagnostics, the semantic diff, the forecast)."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("lsprotocol")

from starlette.testclient import TestClient

from cxjourney.language import facts
from cxjourney.language.load import load
from cxjourney.studio import app as studio_app
from cxjourney.studio import forecasts
from cxjourney.studio.forecasts import Forecasts, Superseded

from .conftest import SMALL

TOKEN = "test-token"
HEADERS = {"X-Studio-Token": TOKEN}


@pytest.fixture
def client(shop: Path):
    with TestClient(studio_app.create_app(shop, token=TOKEN)) as c:
        yield c


def test_every_request_needs_the_token(client):
    for path in ("/", "/api/files", "/api/file?path=shop.journey", "/static/studio.js"):
        assert client.get(path).status_code == 403
        assert client.get(path, headers={"X-Studio-Token": "wrong"}).status_code == 403
    assert client.post("/api/save", json={"path": "shop.journey", "text": ""}).status_code == 403
    assert client.get("/api/files", headers=HEADERS).json()["files"] == ["shop.journey"]


def test_the_page_with_its_token_sets_the_cookie_the_rest_uses(client):
    page = client.get(f"/?token={TOKEN}")
    assert page.status_code == 200
    assert "SameSite=strict" in page.headers["set-cookie"]
    assert client.get("/static/studio.js").status_code == 200  # the cookie, no header


def test_paths_stay_inside_the_folder(client, shop: Path):
    outside = shop.parent / "outside.journey"
    outside.write_text(SMALL, encoding="utf-8")
    (shop / "link.journey").symlink_to(outside)
    (shop / "notes.txt").write_text("x", encoding="utf-8")
    for path in ("../outside.journey", str(outside), "link.journey", "notes.txt", ""):
        read = client.get("/api/file", params={"path": path}, headers=HEADERS)
        assert read.status_code == 403, path
        saved = client.post("/api/save", json={"path": path, "text": "x"}, headers=HEADERS)
        assert saved.status_code in (400, 403), path
    assert (
        "outside the studio's folder"
        in client.get("/api/file", params={"path": "link.journey"}, headers=HEADERS).json()["error"]
    )
    assert outside.read_text(encoding="utf-8") == SMALL


def test_request_bodies_are_bounded(client):
    big = b'{"path": "shop.journey", "text": "' + b"x" * studio_app.MAX_BODY_BYTES + b'"}'
    answer = client.post("/api/analyse", content=big, headers=HEADERS)
    assert answer.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        yield b'{"path": "shop.journey", "text": "'
        for _ in range(studio_app.MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    assert client.post("/api/analyse", content=chunks(), headers=HEADERS).status_code == 413


def test_bad_requests_are_words_not_tracebacks(client):
    assert client.post("/api/analyse", content=b"{", headers=HEADERS).json() == {
        "error": "the request is not JSON"
    }
    answer = client.post("/api/hover", json={"path": "shop.journey"}, headers=HEADERS)
    assert answer.status_code == 400


def test_save_replaces_the_file_atomically(client, shop: Path):
    target = shop / "shop.journey"
    before = os.stat(target).st_ino
    text = SMALL.replace("chance 20%", "chance 45%")
    answer = client.post("/api/save", json={"path": "shop.journey", "text": text}, headers=HEADERS)
    assert answer.json() == {"saved": "shop.journey", "bytes": len(text.encode())}
    assert target.read_text(encoding="utf-8") == text
    assert os.stat(target).st_ino != before  # a new file renamed over the old, not rewritten
    assert sorted(p.name for p in shop.iterdir()) == [".git", "shop.journey"]  # no temp left


def test_diagnostics_are_checks_at_their_line(client, shop: Path):
    text = SMALL.replace("horizon 2 weeks", "horizon 2 wekes")
    answer = client.post(
        "/api/analyse", json={"path": "shop.journey", "text": text}, headers=HEADERS
    ).json()
    (path := shop / "bad.journey").write_text(text, encoding="utf-8")
    expected = [d for d in load(str(path)).diagnostics if d.severity == "error"]
    assert answer["ok"] is False
    assert [(d["line"] + 1, d["character"] + 1) for d in answer["diagnostics"]] == [
        (d.line, d.column) for d in expected
    ]
    assert answer["diagnostics"][0]["line"] == 2  # 0-based: the file's third line
    assert "unknown unit 'wekes'" in answer["diagnostics"][0]["message"]
    assert "map" not in answer
    key = str((shop / "shop.journey").resolve())
    studio = client.app.state.studio
    before = studio.forecasts.generations.get(key, 0)
    client.post("/api/analyse", json={"path": "shop.journey", "text": text}, headers=HEADERS)
    assert studio.forecasts.generations[key] == before + 1  # a running forecast is now stale


def test_the_diff_is_the_review_comment_against_the_last_commit(client):
    same = client.post("/api/analyse", json={"path": "shop.journey"}, headers=HEADERS).json()
    assert same["ok"] and "No change to the model" in same["diff"]
    text = SMALL.replace("chance 20%", "chance 45%")
    changed = client.post(
        "/api/analyse", json={"path": "shop.journey", "text": text}, headers=HEADERS
    ).json()
    assert "`HEAD:shop.journey` → `shop.journey`" in changed["diff"]
    assert "delighter `order.gift` chance: `20%` → `45%`" in changed["diff"]


def test_completion_hover_and_definition_come_from_the_language_server(client):
    lines = SMALL.split("\n")
    line = next(i for i, x in enumerate(lines) if "deliver.late.chance" in x)
    column = lines[line].index("deliver") + 2
    ask = {"path": "shop.journey", "text": SMALL, "line": line, "character": column}
    hover = client.post("/api/hover", json=ask, headers=HEADERS).json()["markdown"]
    assert hover.startswith("**touchpoint** `deliver` — Delivers the parcel")
    targets = client.post("/api/definition", json=ask, headers=HEADERS).json()["targets"]
    home = next(i for i, x in enumerate(lines) if "touchpoint deliver" in x)
    assert targets == [{"path": "shop.journey", "line": home, "character": 15}]
    inside = {"path": "shop.journey", "text": SMALL, "line": 2, "character": 2}
    labels = [
        i["label"]
        for i in client.post("/api/complete", json=inside, headers=HEADERS).json()["items"]
    ]
    assert {"horizon", "customers", "persona", "stage"} <= set(labels)


def test_the_highlighting_knows_every_statement_of_the_facts_table(client):
    words = client.get("/api/files", headers=HEADERS).json()["language"]
    known = set(words["keywords"]) | set(words["attributes"])
    for block in facts.BLOCKS:
        assert set(facts.names(block)) <= known, block


def test_a_forecast_is_the_command_lines_table_and_curve(client):
    answer = client.post("/api/forecast", json={"path": "shop.journey"}, headers=HEADERS).json()
    assert answer["run"] == "quick run: 14 days"  # the file's horizon is the quick run's
    assert answer["replications"] == forecasts.QUICK_REPLICATIONS == 2
    shorter = {"path": "shop.journey", "text": SMALL.replace("horizon 2 weeks", "horizon 1 week")}
    answer = client.post("/api/forecast", json=shorter, headers=HEADERS).json()
    assert answer["run"] == "quick run: 7 days"  # never longer than the file's own horizon
    assert answer["table"].startswith("Small shop: ")
    assert "scenario faster: Faster courier" in answer["table"]
    assert answer["curve"].startswith("<svg")
    broken = {"path": "shop.journey", "text": SMALL.replace("}", "", 1)}
    assert "errors" in client.post("/api/forecast", json=broken, headers=HEADERS).json()["error"]


def test_a_newer_forecast_of_a_file_cancels_the_older():
    forecasts = Forecasts()
    started, go_on = threading.Event(), threading.Event()

    def slow(progress):
        started.set()
        go_on.wait(10)
        progress(1)  # the first replication is done: is the run still wanted?
        return "old"

    async def both():
        older = asyncio.ensure_future(forecasts.run("f", slow))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        newer = asyncio.ensure_future(forecasts.run("f", lambda progress: "new"))
        await asyncio.sleep(0)
        go_on.set()
        return await asyncio.gather(older, newer, return_exceptions=True)

    try:
        older, newer = asyncio.run(both())
    finally:
        forecasts.close()
    assert isinstance(older, Superseded)
    assert newer == "new"


def test_other_files_do_not_cancel_each_other():
    forecasts = Forecasts()
    try:

        async def two():
            return await asyncio.gather(
                forecasts.run("a", lambda p: "a"), forecasts.run("b", lambda p: "b")
            )

        assert asyncio.run(two()) == ["a", "b"]
    finally:
        forecasts.close()


def test_a_forecast_obeys_the_command_lines_run_size_limit(client, monkeypatch):
    from cxjourney.sim import budget

    monkeypatch.setattr(budget, "LIMIT_SECONDS", 0.0)  # every run is "too long"
    answer = client.post("/api/forecast", json={"path": "shop.journey"}, headers=HEADERS).json()
    assert answer["error"].startswith("this run is too large")
    assert answer["error"].endswith("run `cxjourney simulate shop.journey --allow-long`)")


def test_a_persona_library_checks_and_says_why_it_has_no_map_or_forecast(client, shop: Path):
    library = 'persona p "Regular" {\n  share 100%\n}\n'
    (shop / "people.journey").write_text(library, encoding="utf-8")
    ask = {"path": "people.journey"}
    answer = client.post("/api/analyse", json=ask, headers=HEADERS).json()
    assert answer["ok"] and answer["map"] is None
    assert answer["map_note"].startswith("a persona library has no map")
    assert "(new file)" in answer["diff"]  # not in the last commit: every element is new
    forecast = client.post("/api/forecast", json=ask, headers=HEADERS).json()
    assert forecast["error"].startswith("a persona library has no forecast")


def test_the_quick_run_is_two_replications_on_the_first_two_weeks_of_a_long_horizon():
    """A year-long journey is previewed on its first 14 days, at a fixed size, so that two
    edits are always compared on the same run; the full run keeps the file's horizon."""
    journey = load("x.journey", data=SMALL.replace("horizon 2 weeks", "horizon 1 year").encode())
    quick = forecasts.spec_for(journey.journey, full=False)
    assert (quick.horizon, quick.replications, quick.schedule) == (14 * 24 * 60, 2, None)
    full = forecasts.spec_for(journey.journey, full=True)
    assert full.horizon is None and full.adaptive


def test_a_busy_journey_is_previewed_on_fewer_days():
    """Ten thousand regulars who come every day make about 10,000 journeys a day, above
    the quick run's 6,000 per replication even on one day: the preview falls to its
    shortest, one day. A hundred of them fit in 14 days (100 x 14 plus the first visits)."""
    busy = SMALL.replace("horizon 2 weeks", "horizon 1 year")
    assert "visits every 3 days" in busy
    loaded = load("x.journey", data=busy.encode()).journey
    many = load("x.journey", data=_with_regulars(busy, 10_000).encode()).journey
    few = load("x.journey", data=_with_regulars(busy, 100).encode()).journey
    assert forecasts.quick_horizon(many) == 24 * 60
    assert forecasts.quick_horizon(few) == 14 * 24 * 60
    assert forecasts.quick_horizon(loaded) <= 14 * 24 * 60


def _with_regulars(text: str, customers: int) -> str:
    import re

    text = re.sub(r"customers \d+", f"customers {customers}", text)
    return text.replace("visits every 3 days", "visits every 1 day")
