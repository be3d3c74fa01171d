"""Random numbers for common random numbers (CRN), cheap enough for the hot path.

Every customer has its own stream, and its own stream at each touchpoint, so a
scenario that changes one touchpoint leaves every other draw unchanged. A visit
takes a fixed block of five slots from its touchpoint stream (route, performance,
service); each delighter, disappointer and recovery draws from the visit's state
hashed with its own name, so adding or removing one shifts nothing else either.

Streams are 64-bit linear congruential generators (Knuth's MMIX constants) using
the top 53 bits; their starting points are hashed with SplitMix64 (Steele et al.
2014) from the replication's `numpy.random.SeedSequence` state and stable names.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

MASK = (1 << 64) - 1
LCG_A = 6364136223846793005
LCG_C = 1442695040888963407
TO_UNIT = 2.0**-53
GOLDEN = 0x9E3779B97F4A7C15


def mix(z: int) -> int:
    """SplitMix64's finaliser: a well-mixed 64-bit value from any integer."""
    z = (z + GOLDEN) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def derive(key: int, *parts: int) -> int:
    for part in parts:
        key = mix(key ^ mix(part & MASK))
    return key


def salt(name: str) -> int:
    """A stable 64-bit number for a name (touchpoints, personas, events)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def jumps(count: int) -> list[tuple[int, int]]:
    """(A_k, C_k) with state_k = A_k * state + C_k: the LCG k steps ahead, k = 1..count."""
    out = []
    a, c = 1, 0
    for _ in range(count):
        a, c = (LCG_A * a) & MASK, (LCG_A * c + LCG_C) & MASK
        out.append((a, c))
    return out


def replication_keys(seed: int, replications: int) -> list[int]:
    """One 64-bit key per replication, spawned from one SeedSequence."""
    children = np.random.SeedSequence(seed).spawn(replications)
    keys = []
    for child in children:
        words = child.generate_state(2, dtype=np.uint32)
        keys.append(int(words[0]) | (int(words[1]) << 32))
    return keys


class Stream:
    """A sequential stream (arrivals, a customer's own draws); uniforms in (0, 1)."""

    __slots__ = ("state",)

    def __init__(self, key: int) -> None:
        self.state = key & MASK

    def uniform(self) -> float:
        self.state = s = (self.state * LCG_A + LCG_C) & MASK
        return ((s >> 11) + 0.5) * TO_UNIT

    def exponential(self, mean: float) -> float:
        return -mean * math.log(self.uniform())

    def normal(self) -> float:
        u1 = self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
