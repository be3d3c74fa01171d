"""The servers' busy time (utilisation): in the results of each queue, and in the table."""

from __future__ import annotations

import json

from tests.conftest import OVERLOADED, run_cli


def test_results_and_tables_show_the_servers_busy_time(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED)
    out = run_cli("simulate", str(path), "-n", "2", "--format", "json", "--seed", "3", "-j", "1")
    results = json.loads(out.stdout)
    busy = results["scenarios"]["baseline"]["touchpoints"]["courier"]["utilisation"]
    assert 0.85 < busy <= 1.0
    assert "utilisation" not in results["scenarios"]["baseline"]["touchpoints"]["order"]
    table = run_cli("simulate", str(path), "-n", "2", "--seed", "3", "-j", "1").stdout.decode()
    assert f"{busy * 100:.0f}%" in table
