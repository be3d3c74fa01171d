"""Where a run's tasks execute: here, on local worker processes, or on a Dask cluster.

Each way returns the results in task order, and a task's result depends only on the
task, so what runs the tasks never changes a number. Dask is an optional extra and
is imported only when a cluster is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..safe_text import printable

Progress = Callable[[int], None]

#: Seconds to wait for a Dask scheduler before giving up on it.
CONNECT_TIMEOUT = 5
INSTALL_HINT = "pip install 'cxjourney[dask]'"


class ClusterError(RuntimeError):
    """The Dask cluster cannot be used: the package is missing or the scheduler is unreachable."""


def map_tasks(
    function: Callable[[Any], Any],
    tasks: Sequence[Any],
    *,
    workers: int = 1,
    dask_address: str | None = None,
    progress: Progress | None = None,
) -> list[Any]:
    """[function(task) for task in tasks], run where asked; `progress(1)` after each task.

    `dask_address` (a scheduler such as tcp://host:8786) wins over `workers`; the
    function and tasks must then pickle, and the cluster's workers must be able to
    import the function's module.
    """
    if dask_address:
        return _on_dask(function, tasks, dask_address, progress)
    if workers <= 1 or len(tasks) <= 1:
        return _here(function, tasks, progress)
    return _on_pool(function, tasks, workers, progress)


def _here(function: Callable, tasks: Sequence[Any], progress: Progress | None) -> list[Any]:
    out = []
    for task in tasks:
        out.append(function(task))
        if progress:
            progress(1)
    return out


# ---- local worker processes ---------------------------------------------------------------


#: How often a worker looks whether its parent is still there (seconds).
WATCH_EVERY = 0.25


def _init_pool_worker(parent: int) -> None:
    """A worker leaves Ctrl-C to its parent, which ends it on SIGTERM (see _end_workers),
    and ends itself when the parent is gone, however the parent ended (SIGKILL included):
    an idle worker would otherwise wait for tasks for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """On Linux the kernel kills the worker when its parent dies (PR_SET_PDEATHSIG), even in
    the middle of a task; everywhere a watchdog thread ends it once the parent is gone:
    the worker was re-parented (POSIX), or the parent's process handle is signalled
    (Windows). A busy worker whose GIL the watchdog cannot get ends after its task."""
    _ask_linux_for_a_death_signal()
    if os.name == "nt":
        process = multiprocessing.parent_process()
        if process is not None:
            _start_watch(_sentinel_ready, process.sentinel)
        return
    watched = os.getppid()
    if watched != parent and multiprocessing.get_start_method(allow_none=True) != "forkserver":
        os._exit(1)  # the run died before this worker started (forkserver: a parent of its own)
    _start_watch(_reparented, watched)


def _start_watch(gone: Callable[[Any], bool], what: Any) -> None:
    def watch() -> None:
        while not gone(what):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="cxjourney-parent-watch", daemon=True).start()


def _reparented(parent: int) -> bool:
    time.sleep(WATCH_EVERY)
    return os.getppid() != parent


def _sentinel_ready(sentinel: Any) -> bool:
    from multiprocessing.connection import wait

    try:
        return bool(wait([sentinel], timeout=WATCH_EVERY))
    except OSError:  # the handle is no more: neither is the parent
        return True


def _ask_linux_for_a_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to ask: the watchdog is enough
        pass


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: the run was interrupted or failed, its tasks are not wanted."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def _on_pool(
    function: Callable, tasks: Sequence[Any], workers: int, progress: Progress | None
) -> list[Any]:
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_init_pool_worker, initargs=(os.getpid(),)
    )
    out = []
    try:
        for result in pool.map(function, tasks):  # in task order
            out.append(result)
            if progress:
                progress(1)
    except BaseException:
        _end_workers(pool)
        raise
    pool.shutdown()
    return out


# ---- a Dask cluster -----------------------------------------------------------------------


def dask_available() -> bool:
    """Whether dask.distributed imports (asked only when a cluster is wanted: it takes a while)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


class AddressError(ClusterError, ValueError):
    """Not the address of a Dask scheduler: an input error, found before any work."""


#: Schemes of dask.distributed's transports; all but inproc are HOST:PORT.
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
_HOST = re.compile(
    r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]{2,45}(?:%\w+)?\])\Z"
)


def check_address(address: str) -> str:
    """`address` when it is written as a scheduler's address (tcp://HOST:PORT, HOST:PORT,
    tls://, ws://, wss://, ucx://, inproc://); else AddressError, which shows it safely."""
    scheme, _, location = address.rpartition("://")
    scheme = scheme or "tcp"
    problem = None
    if not address or len(address) > 300 or not address.isascii() or not address.isprintable():
        problem = "it is not a short line of plain characters"
    elif " " in address:
        problem = "it has a space in it"
    elif scheme not in SCHEMES:
        problem = f"the scheme {scheme}:// is not one of {', '.join(SCHEMES)}"
    elif scheme == "inproc":
        problem = None if location else "it names no scheduler"
    else:
        host, colon, port = location.rpartition(":")
        if not colon or not port.isdigit() or not 0 < int(port) < 65536:
            problem = "it has no port number (1 to 65535) after the host"
        elif not _HOST.match(host):
            problem = f"{printable(host)!r} is not a host name or an IP address"
    if problem is not None:
        raise AddressError(
            f"{shown(address)} is not a Dask scheduler's address: {problem}; "
            "write it as tcp://HOST:PORT, e.g. tcp://scheduler:8786"
        )
    return address


def shown(address: str) -> str:
    """The address as a terminal may print it: control characters escaped, cut at 100."""
    text = printable(address[:100]) + ("..." if len(address) > 100 else "")
    return f"'{text}'"


def connect(address: str, timeout: float = CONNECT_TIMEOUT):
    """A dask.distributed Client of the scheduler at `address`, or ClusterError saying why not."""
    check_address(address)
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            f"running on a Dask cluster needs the dask extra: {INSTALL_HINT}"
        ) from None
    _probe(address, timeout)
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except Exception as err:
        raise ClusterError(
            f"cannot use the Dask scheduler at {shown(address)}: {_reason(err)}"
        ) from None


def _probe(address: str, timeout: float) -> None:
    """Open and close one connection to the scheduler first: a Client that fails to start
    leaves a loop behind that complains at exit, a bare connection does not."""
    import asyncio

    from distributed.comm import connect as open_comm

    async def knock() -> None:
        comm = await open_comm(address, timeout=timeout)
        await comm.close()

    try:
        asyncio.run(asyncio.wait_for(knock(), timeout + 1))
    except Exception as err:  # refused, timed out, a malformed address, not a scheduler
        raise ClusterError(
            f"cannot reach a Dask scheduler at {shown(address)}: {_reason(err)}"
        ) from None


def _reason(err: Exception) -> str:
    if isinstance(err, MemoryError):  # a header read from something else than a scheduler
        return "it does not answer as a Dask scheduler does"
    return printable(str(err)) or type(err).__name__


def _on_dask(
    function: Callable, tasks: Sequence[Any], address: str, progress: Progress | None
) -> list[Any]:
    from distributed import as_completed

    client = connect(address)
    futures = []
    try:
        # pure=False: every task runs (no hashing of the plans to look for duplicates)
        futures = client.map(function, list(tasks), pure=False)
        position = {future.key: i for i, future in enumerate(futures)}
        out: list[Any] = [None] * len(futures)
        for future in as_completed(futures, loop=client.loop):
            out[position[future.key]] = future.result()  # back in task order
            if progress:
                progress(1)
        return out
    except BaseException:
        if futures:
            client.cancel(futures)
        raise
    finally:
        client.close()
