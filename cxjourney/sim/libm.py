"""The C library's log, exp, cos and pow over numpy arrays.

numpy's own SIMD versions of these differ from the C library's in the last bit for
some inputs. The SimPy engine computes one customer at a time with `math`; mapping the
same functions over arrays keeps the batched engine bit-identical to it. sqrt and the
four operations are correctly rounded everywhere, so numpy's are used as they are.
"""

from __future__ import annotations

import math
from itertools import repeat

import numpy as np


def _mapped(function, values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(function, values.tolist()), dtype=np.float64, count=len(values))


def log(values: np.ndarray) -> np.ndarray:
    return _mapped(math.log, values)


def exp(values: np.ndarray) -> np.ndarray:
    return _mapped(math.exp, values)


def cos(values: np.ndarray) -> np.ndarray:
    return _mapped(math.cos, values)


def power(values: np.ndarray, exponent: float) -> np.ndarray:
    """values ** exponent for values >= 0, as Python's float power computes it."""
    return np.fromiter(
        map(math.pow, values.tolist(), repeat(exponent)), dtype=np.float64, count=len(values)
    )
