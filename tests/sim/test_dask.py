"""A Dask cluster runs the same tasks and gives the same bytes as a local run."""

from __future__ import annotations

import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
from dataclasses import replace

import pytest

from cxjourney import load
from cxjourney.results import dumps
from cxjourney.sim import parallel, runner, streams
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import ROOT, SPEC_EXAMPLES

distributed = pytest.importorskip("distributed")

COFFEE = SPEC_EXAMPLES / "coffee.journey"
#: A port nothing listens on: connecting is refused, then retried until the timeout.
NOWHERE = "tcp://127.0.0.1:1"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
    ) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def hangs_up():
    """The address of a listener that closes every connection at once: the runner's
    connection fails in a moment, where NOWHERE's is retried for the whole timeout."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # closed at the end of the module
                return
            connection.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.fixture(scope="module")
def args(tmp_path_factory) -> tuple[str, ...]:
    """`simulate` of coffee with 40 customers over 5 days, as JSON."""
    path = tmp_path_factory.mktemp("dask") / "coffee.journey"
    text = COFFEE.read_text(encoding="utf-8")
    path.write_text(text.replace("customers 2000", "customers 40", 1), encoding="utf-8")
    return (
        "simulate",
        str(path),
        "--horizon",
        "5 days",
        "-n",
        "3",
        "--seed",
        "4",
        "--format",
        "json",
    )


def tiny():
    return replace(load(str(COFFEE)).journey, horizon=5 * 1440, customers=40)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "CXJOURNEY_DASK"}
    return subprocess.run(
        [sys.executable, "-m", "cxjourney", *args],
        capture_output=True,
        cwd=ROOT,
        env={**environ, **(env or {})},
        timeout=120,
    )


def test_tasks_pickle_whole() -> None:
    """What goes to a cluster's worker: a compiled plan and a module-level engine function."""
    plans = runner.plans_for([tiny()])
    task = (plans[0], runner.choose_engine(plans), 0, 0, 7, "baseline", None)
    again = pickle.loads(pickle.dumps(task))
    assert again == task
    assert runner._run_task(again) == runner._run_task(task)


def test_library_on_dask_matches_local_runs(cluster) -> None:
    journey = tiny()
    one = dumps(simulate(journey, RunSpec(seed=4, replications=3, workers=1)))
    two = dumps(simulate(journey, RunSpec(seed=4, replications=3, workers=2)))
    ticks: list[int] = []
    on_dask = dumps(
        simulate(journey, RunSpec(seed=4, replications=3, dask=cluster), progress=ticks.append)
    )
    assert on_dask == one == two
    assert ticks == [1] * 3 * (1 + len(journey.scenarios))


def test_results_come_back_in_task_order(cluster) -> None:
    plans = runner.plans_for([tiny()])
    keys = streams.replication_keys(9, 4)
    local = runner.run_tasks(plans, ["baseline"], keys)
    remote = runner.run_tasks(plans, ["baseline"], keys, dask=cluster)
    assert remote == local
    assert len({dumps(r["metrics"]) for r in remote[0]}) == 4  # four different replications


def test_cli_on_dask_gives_the_same_bytes(cluster, args) -> None:
    one = cli(*args, "--workers", "1")
    two = cli(*args, "--workers", "2")
    on_dask = cli(*args, "--dask", cluster)
    from_env = cli(*args, env={"CXJOURNEY_DASK": cluster})
    for done in (one, two, on_dask, from_env):
        assert done.returncode == 0, done.stderr.decode()
    assert one.stdout == two.stdout == on_dask.stdout == from_env.stdout
    assert b'"baseline"' in one.stdout


@pytest.mark.slow
def test_unreachable_scheduler_fails_cleanly(args) -> None:
    done = cli(*args, "--dask", NOWHERE)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert f"cannot reach a Dask scheduler at '{NOWHERE}'" in err
    assert "Traceback" not in err
    assert done.stdout == b""


@pytest.mark.parametrize(
    ("address", "shown", "why"),
    [
        ("garbage$%^", "'garbage$%^'", "no port number"),
        ("no-port-here", "'no-port-here'", "no port number"),
        ("tcp://\x1b]0;owned\x07:8786", "'tcp://\\x1b]0;owned\\x07:8786'", "plain characters"),
        ("nosuch://scheduler:8786", "'nosuch://scheduler:8786'", "scheme nosuch://"),
        ("tcp://sched uler:8786", "'tcp://sched uler:8786'", "a space"),
        ("tcp://scheduler:99999", "'tcp://scheduler:99999'", "no port number"),
        ("tcp://$(reboot):8786", "'tcp://$(reboot):8786'", "not a host name"),
    ],
)
def test_an_address_that_is_not_one_is_an_input_error(args, address, shown, why) -> None:
    """Refused before any work (exit 2), from the option or the environment, shown safely."""
    for done in (cli(*args, "--dask", address), cli(*args, env={"CXJOURNEY_DASK": address})):
        err = done.stderr.decode()
        assert done.returncode == 2, err
        assert f"{shown} is not a Dask scheduler's address" in err and why in err
        assert "\x1b" not in err and "\x07" not in err
        assert "Traceback" not in err
        assert done.stdout == b""


def test_library_raises_a_cluster_error() -> None:
    with pytest.raises(parallel.ClusterError, match="scheme nosuch://"):
        simulate(tiny(), RunSpec(replications=2, dask="nosuch://scheduler:8786"))
    for good in ("tcp://scheduler:8786", "scheduler:8786", "tls://10.0.0.1:1", "tcp://[::1]:8786"):
        assert parallel.check_address(good) == good


def test_events_are_refused_with_dask(tmp_path, args) -> None:
    target = tmp_path / "visits.csv"
    done = cli(*args, "--events", str(target), "--dask", NOWHERE)
    assert done.returncode == 2
    assert "--events" in done.stderr.decode() and "--dask" in done.stderr.decode()
    assert not target.exists()
    with pytest.raises(ValueError, match="events"):
        simulate(tiny(), RunSpec(replications=2, dask=NOWHERE), events=target)
    assert not target.exists()


def test_missing_dask_names_the_extra(tmp_path, args) -> None:
    """Without the package (hidden here by a module that fails to import), exit 2 and say how."""
    hide = tmp_path / "hide"
    hide.mkdir()
    for name in ("dask", "distributed"):
        (hide / name).mkdir()
        (hide / name / "__init__.py").write_text("raise ImportError('hidden')\n")
    done = cli(*args, "--dask", NOWHERE, env={"PYTHONPATH": f"{hide}{os.pathsep}{ROOT}"})
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "pip install 'cxjourney[dask]'" in err


@pytest.mark.parametrize(
    "command",
    [
        ("compare",),
        ("drivers",),
        ("optimize", "--budget", "1k"),
        ("report", "-o", "-"),
        ("render", "--simulate", "-o", "-"),
        ("diff", "{file}", "--simulate"),
    ],
    ids=lambda c: c[0],
)
def test_every_simulating_command_sends_its_tasks_to_dask(args, hangs_up, command) -> None:
    """An address where no scheduler answers fails in the runner, so the option reached it."""
    name, *rest = command
    file = args[1]
    done = cli(name, file, *(a.format(file=file) for a in rest), "--dask", hangs_up)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert f"cannot reach a Dask scheduler at '{hangs_up}'" in err
    assert "Traceback" not in err
