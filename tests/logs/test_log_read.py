"""Reading CSV, XES and simulated logs into cases of visits."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cxjourney.logs.read import LogError, ReadOptions, read_log
from tests.logs.helpers import DATA


def test_xes_pairs_lifecycles_and_reads_time_zones():
    log = read_log(str(DATA / "shop.xes"))
    assert log.kind == "xes"
    assert [c.id for c in log.cases] == ["c1", "c2", "c3"]
    c1 = log.cases[0]
    # 10:00+02:00 is 08:00 UTC, before the 08:05Z start of the call
    assert c1.path == ["Browse", "Call support", "Pay"]
    call = c1.visits[1]
    assert call.service == pytest.approx(6.0)
    assert call.wait == pytest.approx(5.0)  # ready at 08:00 (Browse), served from 08:05
    assert call.rating == 4 and call.resource == "Ann"
    assert c1.persona == "Regular"
    # the nested list attribute is not an activity; the global default is not applied
    assert log.events == 9
    assert log.skipped == {"schedule": 1}


def test_xes_orders_events_by_time_and_keeps_unfinished_starts():
    log = read_log(str(DATA / "shop.xes"))
    c2, c3 = log.cases[1], log.cases[2]
    assert c2.visits[-1].activity == "Call support" and c2.visits[-1].end is None
    assert [v.end for v in c3.visits] == sorted(v.end for v in c3.visits)


def test_gzipped_xes_reads_the_same(tmp_path: Path):
    target = tmp_path / "shop.xes.gz"
    target.write_bytes(gzip.compress((DATA / "shop.xes").read_bytes()))
    plain, packed = read_log(str(DATA / "shop.xes")), read_log(str(target))
    assert [c.path for c in plain.cases] == [c.path for c in packed.cases]


def test_broken_xes_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.xes"
    bad.write_text("<log>\n<trace>\n<event>\n</trace>\n</log>\n", encoding="utf-8")
    with pytest.raises(LogError, match=r"bad\.xes:4:\d+: not well-formed"):
        read_log(str(bad))


def test_xes_event_without_timestamp_names_the_line(tmp_path: Path):
    bad = tmp_path / "t.xes"
    bad.write_text(
        '<log>\n<trace>\n<event>\n<string key="concept:name" value="A"/>\n</event>\n'
        "</trace>\n</log>\n",
        encoding="utf-8",
    )
    with pytest.raises(LogError, match=r"t\.xes:5: event 'A' has no time:timestamp"):
        read_log(str(bad))


def test_csv_columns_found_by_name_and_scores_mapped_to_five():
    log = read_log(str(DATA / "tickets.csv"))
    assert len(log.cases) == 40
    assert log.rating_scale == 10
    ratings = [v.rating for c in log.cases for v in c.visits if v.rating is not None]
    assert min(ratings) >= 1 and max(ratings) <= 5
    first = log.cases[0]
    assert first.customer == "C00" and first.persona == "Business"
    resolve = next(v for v in first.visits if v.activity == "Resolve")
    assert resolve.service is not None and resolve.service > 0


def test_csv_bad_time_names_line_and_column(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("case,activity,timestamp\n1,A,2024-01-01T10:00\n1,B,yesterday\n")
    with pytest.raises(LogError, match=r"bad\.csv:3: column 'timestamp': cannot read 'yesterday'"):
        read_log(str(bad))


def test_csv_time_format_option(tmp_path: Path):
    log_file = tmp_path / "eu.csv"
    log_file.write_text("case;activity;time\n1;A;03/01/2024 10:00\n1;B;03/01/2024 10:30\n")
    log = read_log(str(log_file), ReadOptions(time_format="%d/%m/%Y %H:%M"))
    a, b = log.cases[0].visits
    assert b.end - a.end == 30


def test_csv_without_a_case_column_says_which_option(tmp_path: Path):
    bad = tmp_path / "x.csv"
    bad.write_text("who,what,when\n1,A,2024-01-01\n")
    with pytest.raises(LogError, match="--case"):
        read_log(str(bad))
    log = read_log(
        str(bad), ReadOptions(keys={"case": "who", "activity": "what", "timestamp": "when"})
    )
    assert log.cases[0].path == ["A"]


def test_csv_named_column_must_exist(tmp_path: Path):
    f = tmp_path / "x.csv"
    f.write_text("case,activity,timestamp\n1,A,2024-01-01\n")
    with pytest.raises(LogError, match="no column 'stamp'"):
        read_log(str(f), ReadOptions(keys={"timestamp": "stamp"}))


def test_csv_start_and_end_columns_make_one_visit(tmp_path: Path):
    f = tmp_path / "simod.csv"
    f.write_text(
        "case_id,activity,start_time,end_time,resource\n"
        "1,A,2024-01-01T10:00:00Z,2024-01-01T10:04:00Z,r1\n"
        "1,B,2024-01-01T10:10:00Z,2024-01-01T10:12:00Z,r2\n"
    )
    a, b = read_log(str(f)).cases[0].visits
    assert (a.service, b.service, b.wait) == (4, 2, 6)


def test_simulated_log_reads_arrivals_waits_and_services(loop_log: Path):
    log = read_log(str(loop_log))
    assert log.kind == "simulated"
    case = next(c for c in log.cases if "advice" in c.path[:-1])
    advice = case.visits[case.path.index("advice")]
    after = case.visits[case.path.index("advice") + 1]
    assert advice.end == after.arrival  # the next visit begins when service ends
    assert advice.service > 0


def test_missing_scenario_of_simulated_log(loop_log: Path):
    with pytest.raises(LogError, match="no visits of scenario 'faster'; it holds baseline"):
        read_log(str(loop_log), ReadOptions(scenario="faster"))


def test_missing_file():
    with pytest.raises(LogError, match="cannot read the file"):
        read_log("no/such/log.csv")


def test_csv_not_utf8_and_unclosed_quote(tmp_path: Path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("case,activity,timestamp\n1,Café,2024-01-01\n".encode("latin-1"))
    with pytest.raises(LogError, match=r"latin\.csv: not UTF-8 text.*save the file as UTF-8"):
        read_log(str(latin))
    quote = tmp_path / "quote.csv"
    quote.write_text('case,activity,timestamp\n"1,A,2024-01-01\n')
    with pytest.raises(LogError, match=r"quote\.csv:2: 1 column, the header has 3"):
        read_log(str(quote))
