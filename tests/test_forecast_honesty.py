"""The tool never prints certainty it does not have, and says when a queue will not
keep up."""

from __future__ import annotations

import json

from tests.conftest import run_cli

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


def test_check_warns_about_a_queue_that_cannot_keep_up(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED)
    result = run_cli("check", str(path))
    assert result.returncode == 0
    err = (result.stdout + result.stderr).decode()
    assert "food.journey:12:16: warning: the queue at 'courier' cannot keep up" in err
    assert "offered load 1.67" in err
    fine = run_cli("check", "-", input=OVERLOADED.replace("capacity 1", "capacity 3").encode())
    assert b"warning" not in fine.stdout + fine.stderr


def test_results_and_tables_show_the_servers_busy_time(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED)
    out = run_cli("simulate", str(path), "-n", "2", "--format", "json", "--seed", "3")
    results = json.loads(out.stdout)
    busy = results["scenarios"]["baseline"]["touchpoints"]["courier"]["utilisation"]
    assert 0.85 < busy <= 1.0
    assert "utilisation" not in results["scenarios"]["baseline"]["touchpoints"]["order"]
    table = run_cli("simulate", str(path), "-n", "2", "--seed", "3").stdout.decode()
    assert f"{busy * 100:.0f}%" in table


def test_one_replication_prints_means_without_intervals_or_verdicts(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED)
    results = json.loads(run_cli("simulate", str(path), "-n", "1", "--format", "json").stdout)
    for entry in results["scenarios"].values():
        for value in entry["metrics"].values():
            assert value["low"] is None and value["high"] is None
    delta = results["scenarios"]["second"]["delta"]["abandonment"]
    assert delta["mean"] < 0 and delta["low"] is None
    table = run_cli("simulate", str(path), "-n", "1").stdout.decode()
    assert "1 replication," in table and "no interval and no verdict" in table
    for word in ("higher", "lower", "better", "worse", "not distinguishable", "["):
        assert word not in table, word
    ranked = run_cli("compare", str(path), "-n", "1", "--objective", "satisfaction")
    text = ranked.stdout.decode()
    assert "no interval" in text and "better" not in text and "[" not in text


def test_the_output_file_name_picks_the_format(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED.replace("3 days", "1 day"))
    target = tmp_path / "results.json"
    assert run_cli("simulate", str(path), "-n", "2", "-o", str(target)).returncode == 0
    assert json.loads(target.read_text())["replications"] == 2
    table = tmp_path / "results.csv"
    assert run_cli("compare", str(path), "-n", "2", "-o", str(table)).returncode == 0
    assert table.read_text().startswith("rank,scenario")
    text = tmp_path / "results.txt"
    assert run_cli("simulate", str(path), "-n", "2", "-o", str(text)).returncode == 0
    assert text.read_text().startswith("Food delivery: 2 replications")


def test_hints_lead_to_the_number_meant(tmp_path) -> None:
    path = tmp_path / "hint.journey"
    path.write_text(
        'journey "T" {\n  persona p {\n    share 100%\n    spend 10 k\n'
        "    price_sensitivity 0.2\n  }\n  stage s {\n    touchpoint t { }\n  }\n}\n"
    )
    err = run_cli("check", str(path)).stderr.decode() + run_cli("check", str(path)).stdout.decode()
    assert "with no space: 10k" in err
    assert "write 20%" in err


def test_a_defect_of_the_tool_is_one_line_and_exit_1(tmp_path, monkeypatch) -> None:
    """Whatever goes wrong inside, the user sees one line, never a traceback."""
    import subprocess
    import sys

    code = (
        "import cxjourney.cli.check as c\n"
        "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
        "c.load_input = boom\n"
        "from cxjourney.cli import main\nmain(['check', 'x.journey'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"internal error: RuntimeError: boom" in result.stderr


def test_typos_on_the_command_line_name_the_nearest_word(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED)
    unit = run_cli("simulate", str(path), "--horizon", "12 wks")
    assert unit.returncode == 2 and b"did you mean 'weeks'?" in unit.stderr
    command = run_cli("simulat", str(path))
    assert command.returncode == 2 and b"Did you mean 'simulate'?" in command.stderr
