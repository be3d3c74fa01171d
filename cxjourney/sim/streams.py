"""Counter-based random numbers, one definition for both engines.

Every uniform is a hash of what it is for: u = hash(replication, customer, touchpoint,
visit, name). Nothing is drawn in sequence, so

- the same customer meets the same luck whichever engine runs it (the engines are
  bit-identical on journeys without queues);
- a scenario that changes one touchpoint leaves every other draw unchanged, and a
  removed delighter shifts nothing (common random numbers);
- the baseline does not depend on which scenarios run with it.

The hash is SplitMix64's finaliser (Steele et al. 2014). Each function comes twice: on
Python integers for the SimPy engine's scalar path, and on `numpy.uint64` arrays for the
batched engine; the integer arithmetic is the same, so the bits are the same.
"""

from __future__ import annotations

import hashlib

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
C1 = 0xBF58476D1CE4E5B9
C2 = 0x94D049BB133111EB
TO_UNIT = 2.0**-53
TO_UNIT_32 = 2.0**-32
LOW_32 = (1 << 32) - 1

_U64 = np.uint64
_GOLDEN, _C1, _C2 = _U64(GOLDEN), _U64(C1), _U64(C2)
_S30, _S27, _S31, _S11 = _U64(30), _U64(27), _U64(31), _U64(11)


def salt(name: str) -> int:
    """A stable 64-bit number for a name (touchpoints, personas, events, draws)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


# What each draw is for: a draw is hash(key of its owner ^ its name). One hash gives a
# pair of 32-bit uniforms (`pair`), so a visit's two performance uniforms, its two service
# uniforms, a journey's two noise uniforms and its gap and churn cost one hash each. A
# visit's route and a journey's start read the owner's own key (already a hash).
PERFORMANCE = salt("draw:performance")
SERVICE = salt("draw:service")
NOISE = salt("draw:noise")
LEAVE = salt("draw:gap-and-churn")
BIRTH = salt("draw:birth")
ARRIVAL_GAP = salt("draw:arrival")
DELAY = salt("draw:delay")  # a touchpoint's `after`, per visit
EDGE_DELAY = salt("draw:edge-delay")  # the delay of the edge a visit came by
TAKES = salt("draw:takes")  # the time a step takes
# Owners of counter sequences
JOURNEYS = salt("owner:journeys")
REFERRALS = salt("owner:referrals")
REFERRAL_CLOCK = salt("owner:referral-clock")
INITIAL, ARRIVALS = 1, 2


# ---- scalars: Python integers -------------------------------------------------------
def mix(z: int) -> int:
    """SplitMix64's finaliser: a well-mixed 64-bit value from any 64-bit integer."""
    z = (z + GOLDEN) & MASK
    z = ((z ^ (z >> 30)) * C1) & MASK
    z = ((z ^ (z >> 27)) * C2) & MASK
    return z ^ (z >> 31)


def unit(z: int) -> float:
    """A uniform in (0, 1), never 0 or 1, from the top 53 bits."""
    return ((z >> 11) + 0.5) * TO_UNIT


def pair(z: int) -> tuple[float, float]:
    """Two uniforms in (0, 1) from the two halves of a 64-bit hash."""
    return ((z >> 32) + 0.5) * TO_UNIT_32, ((z & LOW_32) + 0.5) * TO_UNIT_32


def draw(key: int, name: int) -> float:
    """The uniform named `name` of the thing whose key is `key`."""
    return unit(mix(key ^ name))


def nth(key: int, n: int) -> int:
    """The key of the n-th member of a counter sequence (journeys, visits, referrals).

    This is SplitMix64's n-th output for the seed `key`: a customer's visits to one
    touchpoint are nth(customer ^ touchpoint, n), its journeys nth(customer ^ JOURNEYS, j).
    """
    return mix((key + n * GOLDEN) & MASK)


def derive(key: int, *parts: int) -> int:
    for part in parts:
        key = mix(key ^ mix(part & MASK))
    return key


# ---- vectors: numpy uint64 arrays (multiplication and addition wrap modulo 2^64) -----
def mix_v(z: np.ndarray) -> np.ndarray:
    """`mix` on uint64 arrays (wrapping arithmetic is what is wanted here)."""
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _C1
    z = (z ^ (z >> _S27)) * _C2
    return z ^ (z >> _S31)


def unit_v(z: np.ndarray) -> np.ndarray:
    return ((z >> _S11).astype(np.float64) + 0.5) * TO_UNIT


def pair_v(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    high = ((z >> _U64(32)).astype(np.float64) + 0.5) * TO_UNIT_32
    low = ((z & _U64(LOW_32)).astype(np.float64) + 0.5) * TO_UNIT_32
    return high, low


def draw_v(keys: np.ndarray, name: int | np.ndarray) -> np.ndarray:
    return unit_v(mix_v(keys ^ (_U64(name) if isinstance(name, int) else name)))


def nth_v(keys: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    if isinstance(n, np.ndarray):
        with np.errstate(over="ignore"):
            return mix_v(keys + n.astype(np.uint64) * _GOLDEN)
    return mix_v(keys + _U64((n * GOLDEN) & MASK))


# ---- replications ---------------------------------------------------------------------
def replication_keys(seed: int, replications: int) -> list[int]:
    """One 64-bit key per replication, spawned from one SeedSequence."""
    children = np.random.SeedSequence(seed).spawn(replications)
    keys = []
    for child in children:
        words = child.generate_state(2, dtype=np.uint32)
        keys.append(int(words[0]) | (int(words[1]) << 32))
    return keys
