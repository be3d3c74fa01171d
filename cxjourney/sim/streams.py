"""Counter-based random numbers, one definition for both engines.

Every uniform is a hash of what it is for: u = hash(replication, customer, touchpoint,
visit, name). Nothing is drawn in sequence, so

- the same customer meets the same luck whichever engine runs it (the engines are
  bit-identical on journeys without queues);
- a scenario that changes one touchpoint leaves every other draw unchanged, and a
  removed delighter shifts nothing (common random numbers);
- the baseline does not depend on which scenarios run with it.

The hash (SplitMix64's finaliser, Steele et al. 2014) and the draws are the kernel's
(kernel.py); this module gives them to Python code on ordinary unsigned integers, and
spawns the replications' keys.
"""

from __future__ import annotations

import numpy as np

from . import kernel

MASK = kernel.MASK
salt = kernel.salt
INITIAL, ARRIVALS = 1, 2  # the two sequences of a persona's customers


def _name(value: np.uint64) -> int:
    return int(value)


PERFORMANCE = _name(kernel.PERFORMANCE)
SERVICE = _name(kernel.SERVICE)
NOISE = _name(kernel.NOISE)
LEAVE = _name(kernel.LEAVE)
BIRTH = _name(kernel.BIRTH)
ARRIVAL_GAP = _name(kernel.ARRIVAL_GAP)
DELAY = _name(kernel.DELAY)
EDGE_DELAY = _name(kernel.EDGE_DELAY)
TAKES = _name(kernel.TAKES)
JOURNEYS = _name(kernel.JOURNEYS)
REFERRALS = _name(kernel.REFERRALS)
REFERRAL_CLOCK = _name(kernel.REFERRAL_CLOCK)


def signed(z: int) -> int:
    """An unsigned 64-bit key as the signed integer with the same bits (the kernel's way)."""
    z &= MASK
    return z - (1 << 64) if z >> 63 else z


def mix(z: int) -> int:
    """SplitMix64's finaliser: a well-mixed 64-bit value from any 64-bit integer."""
    return kernel.mix_signed(signed(z)) & MASK


def nth(key: int, n: int) -> int:
    """The key of the n-th member of a counter sequence (journeys, visits, referrals)."""
    return kernel.visit_key(signed(key), 0, n) & MASK


def unit(z: int) -> float:
    """A uniform in (0, 1), never 0 or 1, from the top 53 bits."""
    return kernel.unit_signed(signed(z))


def pair(z: int) -> tuple[float, float]:
    """Two uniforms in (0, 1) from the two halves of a 64-bit hash."""
    return kernel.pair_signed(signed(z))


def draw(key: int, name: int) -> float:
    """The uniform named `name` of the thing whose key is `key`."""
    return kernel.draw_signed(signed(key), signed(name))


def derive(key: int, *parts: int) -> int:
    for part in parts:
        key = mix(key ^ mix(part & MASK))
    return key


def replication_keys(seed: int, replications: int) -> list[int]:
    """One 64-bit key per replication, spawned from one SeedSequence."""
    children = np.random.SeedSequence(seed).spawn(replications)
    keys = []
    for child in children:
        words = child.generate_state(2, dtype=np.uint32)
        keys.append(int(words[0]) | (int(words[1]) << 32))
    return keys
