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

from collections.abc import Callable
from typing import TypeVar

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
        return numba.njit(**OPTIONS)(function)
    except RuntimeError:  # "no locator available": no writable cache directory anywhere
        return numba.njit(**{**OPTIONS, "cache": False})(function)
