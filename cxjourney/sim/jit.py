"""The kernel's compiler: numba when it is installed, else the functions as written.

The options are the kernel's contract: `fastmath=False` keeps every floating-point
operation in the order written (no reassociation, no fused multiply-add), and calls to
log, exp, cos and pow go to the C library, as Python's `math` does; so compiled and
interpreted code give the same bits. `error_model="numpy"` skips Python's checks for
division by zero (the kernel never divides by zero). `cache=True` keeps the machine code
beside the module (or in numba's user-wide cache, or NUMBA_CACHE_DIR); where no cache
directory is writable the functions are compiled afresh in each process instead.

Without numba (or with NUMBA_DISABLE_JIT=1) the same Python functions run as they are:
the same bytes, only slower.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

try:
    import numba
except ImportError:  # pragma: no cover - exercised by the test that disables the compiler
    numba = None

F = TypeVar("F", bound=Callable)

OPTIONS = {"cache": True, "nogil": True, "fastmath": False, "error_model": "numpy"}

#: Whether the kernel runs as machine code (numba installed and not disabled).
COMPILED = numba is not None and not numba.config.DISABLE_JIT


def njit(function: F) -> F:
    """Compile `function` with the kernel's options, or return it unchanged."""
    if numba is None:
        return function
    try:
        compiled = numba.njit(**OPTIONS)(function)
    except RuntimeError:  # "no locator available": no writable cache directory anywhere
        compiled = numba.njit(**{**OPTIONS, "cache": False})(function)
    _hold_signals_while_compiling(compiled)
    return compiled


def _hold_signals_while_compiling(dispatcher: Any) -> None:
    """The first call of a function compiles it or loads it from the cache, through
    callbacks of LLVM's in which a raising signal handler is swallowed (and Ctrl-C with
    it); later calls go straight to machine code and are left alone."""
    first_call = getattr(dispatcher, "_compile_for_args", None)
    if first_call is None:  # pragma: no cover - a numba without the method
        return

    def compile_for_args(*args: Any, **kwargs: Any) -> Any:
        with signals_held():
            return first_call(*args, **kwargs)

    dispatcher._compile_for_args = compile_for_args


HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while compiled code runs, and arrive as it returns.

    numba runs a little Python of its own inside some compiled calls; a signal handler
    that raised there (ours does, to unwind the run) would leave the call half done and
    the process crashing. Blocking the signal is not enough (other threads of the
    process, such as BLAS's, still take it), so while the call runs a signal is only
    noted, and the handler it was meant for runs once the call has returned.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[tuple[int, object]] = []
    previous = {sig: signal.getsignal(sig) for sig in HELD}
    for sig in HELD:
        if callable(previous[sig]):
            signal.signal(sig, lambda signum, frame: noted.append((signum, frame)))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum, frame in noted[:1]:
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
