"""The model's arithmetic, written once and compiled once, for both engines.

Every formula of docs/model.md that runs per visit or per journey is one function here: the
counter-based hash and its draws, distribution sampling, the felt value of a moment,
memory, satisfaction, relationship, retention, churn, and the busy-hour clock. The SimPy
engine calls them one visit at a time; the batched engine runs whole lives in
`simulate_lives`, which calls the very same functions. Both therefore use the same
compiled log, exp, cos and pow, and agree to the bit on journeys without queues.

All compiled code lives in this one file on purpose: numba's cache notices a change in
a function's own file only, so a formula in another file could leave a stale copy in
the machine code of its callers.

Keys are 64-bit unsigned integers inside the kernel. Where they cross to Python they
travel as signed 64-bit integers (the same bits): a Python int above 2^63 would not
fit numba's fast argument path.
"""

from __future__ import annotations

import hashlib
import math
import warnings

import numpy as np

from ..model import SLOT_MINUTES, SLOTS, WEEK_MINUTES
from .jit import COMPILED, njit

# ---- the model's constants -------------------------------------------------------------
NEUTRAL = 7.0  # L of a customer present at time 0 until its first journey
PROMOTER, DETRACTOR = 8.5, 6.5  # rounded 9-10 and 0-6 (Reichheld 2003)
MONTH_MINUTES = 30 * 24 * 60.0
MAX_STEPS = 10_000  # visits in one journey before it is cut (a loop no one leaves)
SCALE = float(1 << 32)  # fixed point of the tally: 2^-32 of a unit
BLEND, PEAK_END, MEAN = 0, 1, 2  # memory rules
MEMORY_RULES = {"blend": BLEND, "peak_end": PEAK_END, "mean": MEAN}
CONSTANT, NORMAL, EXP, UNIFORM, TRIANGULAR, LOGNORMAL = range(6)  # distribution families
TWO_PI = 2.0 * math.pi
#: Journey durations are counted in bins 1/64 of an octave wide, from 2^-10 minutes
#: (0.06 s) to 2^26 minutes (128 years); see tally.py.
LOW_OCTAVE, OCTAVES, PER_OCTAVE = -9, 36, 64
DURATION_BINS = 1 + OCTAVES * PER_OCTAVE


# ---- the hash: SplitMix64's finaliser (Steele et al. 2014) ------------------------------
def salt(name: str) -> int:
    """A stable 64-bit number for a name (touchpoints, personas, events, draws)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


MASK = (1 << 64) - 1
U64 = np.uint64
GOLDEN = U64(0x9E3779B97F4A7C15)
C1, C2 = U64(0xBF58476D1CE4E5B9), U64(0x94D049BB133111EB)
S11, S27, S30, S31, S32 = U64(11), U64(27), U64(30), U64(31), U64(32)
LOW_32 = U64(0xFFFFFFFF)
TO_UNIT, TO_UNIT_32 = 2.0**-53, 2.0**-32

# What each draw is for: a draw is hash(key of its owner ^ its name). One hash gives a pair
# of 32-bit uniforms, so a visit's two performance uniforms, its two service uniforms, a
# journey's two noise uniforms and its gap and churn cost one hash each.
PERFORMANCE = U64(salt("draw:performance"))
SERVICE = U64(salt("draw:service"))
NOISE = U64(salt("draw:noise"))
LEAVE = U64(salt("draw:gap-and-churn"))
BIRTH = U64(salt("draw:birth"))
ARRIVAL_GAP = U64(salt("draw:arrival"))
DELAY = U64(salt("draw:delay"))  # a touchpoint's `after`, per visit
EDGE_DELAY = U64(salt("draw:edge-delay"))  # the delay of the edge a visit came by
TAKES = U64(salt("draw:takes"))  # the time a step takes
# owners of counter sequences
JOURNEYS = U64(salt("owner:journeys"))
REFERRALS = U64(salt("owner:referrals"))
REFERRAL_CLOCK = U64(salt("owner:referral-clock"))


@njit
def mix(z: np.uint64) -> np.uint64:
    """A well-mixed 64-bit value from any 64-bit integer (wrapping arithmetic)."""
    z = z + GOLDEN
    z = (z ^ (z >> S30)) * C1
    z = (z ^ (z >> S27)) * C2
    return z ^ (z >> S31)


@njit
def nth(key: np.uint64, n: int) -> np.uint64:
    """The key of the n-th member of a counter sequence: SplitMix64's n-th output."""
    return mix(key + U64(n) * GOLDEN)


@njit
def unit(z: np.uint64) -> float:
    """A uniform in (0, 1), never 0 or 1, from the top 53 bits."""
    return (np.float64(z >> S11) + 0.5) * TO_UNIT


@njit
def pair(z: np.uint64) -> tuple[float, float]:
    """Two uniforms in (0, 1) from the two halves of a 64-bit hash."""
    return (np.float64(z >> S32) + 0.5) * TO_UNIT_32, (np.float64(z & LOW_32) + 0.5) * TO_UNIT_32


@njit
def draw(key: np.uint64, name: np.uint64) -> float:
    """The uniform named `name` of the thing whose key is `key`."""
    return unit(mix(key ^ name))


if COMPILED:

    @njit
    def unsigned(key: int) -> np.uint64:
        """A key from Python (signed 64-bit) as the kernel's unsigned one: the same bits."""
        return U64(key)

    @njit
    def signed(key: np.uint64) -> int:
        return np.int64(key)

else:  # the same conversions on Python and numpy integers
    # numpy warns where 64-bit arithmetic wraps; here wrapping is the hash's definition
    warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning, __name__)

    def unsigned(key: int) -> np.uint64:
        return U64(int(key) & MASK)

    def signed(key: np.uint64) -> int:
        key = int(key)
        return key - (1 << 64) if key >> 63 else key


@njit
def mix_signed(key: int) -> int:
    """`mix` for Python callers (signed 64-bit in and out)."""
    return signed(mix(unsigned(key)))


@njit
def visit_key(key: int, touchpoint_salt: int, count: int) -> int:
    """The key of a customer's count-th visit to a touchpoint (signed, for Python)."""
    return signed(nth(unsigned(key) ^ unsigned(touchpoint_salt), count))


@njit
def draw_signed(key: int, name: int) -> float:
    """`draw` for Python callers."""
    return draw(unsigned(key), unsigned(name))


@njit
def unit_signed(key: int) -> float:
    """`unit` for Python callers."""
    return unit(unsigned(key))


@njit
def pair_signed(key: int) -> tuple[float, float]:
    """`pair` for Python callers."""
    return pair(unsigned(key))


# ---- distributions: a row (code, p0, p1, p2, scale, offset) and two uniforms ----------------
@njit
def standard_normal(u1: float, u2: float) -> float:
    """Box-Muller: one standard normal from two uniforms."""
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(TWO_PI * u2)


@njit
def triangular(lo: float, mode: float, hi: float, u: float) -> float:
    if hi == lo:
        return lo
    if u < (mode - lo) / (hi - lo):
        return lo + math.sqrt(u * (hi - lo) * (mode - lo))
    return hi - math.sqrt((1 - u) * (hi - lo) * (hi - mode))


@njit
def sample(row: np.ndarray, u1: float, u2: float) -> float:
    """A draw of the distribution in `row`; every family reads the same two uniforms."""
    code, p0, p1 = int(row[0]), row[1], row[2]
    if code == CONSTANT:
        x = p0
    elif code == NORMAL:
        x = p0 + p1 * standard_normal(u1, u2)
    elif code == EXP:
        x = -p0 * math.log(u1)
    elif code == UNIFORM:
        x = p0 + (p1 - p0) * u1
    elif code == TRIANGULAR:
        x = triangular(p0, p1, row[3], u1)
    else:
        x = math.exp(p0 + p1 * standard_normal(u1, u2))
    return x * row[4] + row[5]


@njit
def sample_for(row: np.ndarray, vkey: np.uint64, name: np.uint64) -> float:
    """The draw named `name` of a visit; a constant needs no hash."""
    if row[0] == CONSTANT:
        return sample(row, 0.5, 0.5)
    u1, u2 = pair(mix(vkey ^ name))
    return sample(row, u1, u2)


@njit
def delay_for(rows: np.ndarray, which: int, vkey: np.uint64, name: np.uint64) -> float:
    """A delay (never below 0) from row `which` of a table; 0 where which < 0 (none)."""
    if which < 0:
        return 0.0
    x = sample_for(rows[which], vkey, name)
    return x if x > 0.0 else 0.0


# ---- one moment and the memory of a journey (experience.py) ------------------------------------
@njit
def felt(d: float, tolerance: float, curvature: float, negativity: float) -> float:
    """v(D~): the prospect-theory value of a disconfirmation beyond the zone of tolerance."""
    if d > tolerance:
        return (d - tolerance) ** curvature
    if d < -tolerance:
        return -(negativity * (-(d + tolerance)) ** curvature)
    return 0.0


@njit
def disconfirmation(
    performance: float, expectation: float, channel: float, wait: float, max_wait: float,
    wait_sensitivity: float,
) -> float:  # fmt: skip
    """D: performance (clipped to 1-5) against expectation, less a channel mismatch and a
    wait beyond max_wait (Maister 1985)."""
    p = 1.0 if performance < 1.0 else (5.0 if performance > 5.0 else performance)
    d = p - expectation + channel
    if wait and max_wait and wait > max_wait:
        over = (wait - max_wait) / max_wait
        d -= wait_sensitivity * (over if over < 3.0 else 3.0)
    return d


@njit
def recall(rule: int, n: int, total: float, last: float, high: float, low: float, peak: float):
    """R from a journey's running figures: `high`/`low` the largest and smallest x, `peak`
    the x with the largest |x| (the later on a tie)."""
    if n == 0:
        return 0.0
    if rule == BLEND:
        return 0.25 * ((high if high > 0 else 0.0) + (low if low < 0 else 0.0) + last + total / n)
    if rule == PEAK_END:
        return (peak + last) / 2
    return total / n


@njit
def remember(moments: np.ndarray, n: int, rule: int) -> float:
    """R from the list of a journey's first n moments (as `recall`, summed the long way)."""
    if n == 0:
        return 0.0
    total = 0.0
    high = low = peak = moments[0]
    for i in range(n):
        x = moments[i]
        total += x
        if x > high:
            high = x
        if x < low:
            low = x
        if abs(x) >= abs(peak):
            peak = x
    if rule == MEAN:
        return total / n
    if rule == PEAK_END:
        return (peak + moments[n - 1]) / 2
    mean = total / n
    return (
        0.25 * (high if high > 0.0 else 0.0)
        + 0.25 * (low if low < 0.0 else 0.0)
        + 0.25 * moments[n - 1]
        + 0.25 * mean
    )


@njit
def restored_at_best(
    moments: np.ndarray, n: int, repairs: np.ndarray, count: int, rule: int, remembered: float
) -> float:
    """A recovered failure restores satisfaction at best (de Matos et al. 2007): memory is
    capped at that of the journey without the recovered failures and their recoveries.
    `repairs` rows: (failing moment, its loss, recovering moment, its gain)."""
    clean = moments[:n].copy()
    for r in range(count):
        clean[int(repairs[r, 0])] -= repairs[r, 1]
        clean[int(repairs[r, 2])] -= repairs[r, 3]
    other = remember(clean, n, rule)
    return other if other < remembered else remembered


# ---- satisfaction, relationship and retention (loyalty.py) --------------------------------------
@njit
def satisfaction(remembered: float, noise: float, z: float) -> float:
    """S = clip(7 + 1.5 R + noise z, 0, 10): meeting expectations makes a passive."""
    s = 7.0 + 1.5 * remembered
    if noise:
        s = s + noise * z
    return 10.0 if s > 10.0 else (0.0 if s < 0.0 else s)


@njit
def journey_noise(jkey: np.uint64, noise: float) -> float:
    """The standard normal of a journey's satisfaction noise (0 without noise)."""
    if not noise:
        return 0.0
    u1, u2 = pair(mix(jkey ^ NOISE))
    return standard_normal(u1, u2)


@njit
def relationship(previous: float, journey: float, smoothing: float, first: bool) -> float:
    """L: the first journey sets it, later ones smooth it exponentially."""
    if first:
        return journey
    return (1 - smoothing) * previous + smoothing * journey


@njit
def stay(level: float, price_sensitivity: float, loyalty: np.ndarray) -> float:
    """Monthly probability of staying: r(L), logistic between floor and cap (Mittal &
    Kamakura 2001), times the price pull's complement. `loyalty`: floor, cap, slope,
    midpoint, price churn."""
    floor, cap, slope, midpoint, price_churn = (
        loyalty[0],
        loyalty[1],
        loyalty[2],
        loyalty[3],
        loyalty[4],
    )
    r = floor + (cap - floor) / (1 + math.exp(-slope * (level - midpoint)))
    return r * (1 - price_churn * price_sensitivity)


@njit
def churn_after(stay: float, u: float) -> float:
    """Minutes until a customer with this monthly stay probability leaves: exponential,
    with stay^(gap / 30 days) of staying over any gap."""
    if stay <= 0.0:
        return 0.0
    if stay >= 1.0:
        return math.inf
    return -math.log(u) / -math.log(stay) * MONTH_MINUTES


# ---- busy hours: the ordinary clock and the time of the week (week.py) ---------------------------
@njit
def to_real(cum: np.ndarray, weight: np.ndarray, opened: np.ndarray, ordinary: float) -> float:
    """The time of the week of an ordinary-clock time (a profile's change of clock)."""
    week = ordinary // WEEK_MINUTES
    rest = ordinary - week * WEEK_MINUTES
    lo, hi = 0, SLOTS  # bisect_right(cum, rest, 0, SLOTS)
    while lo < hi:
        mid = (lo + hi) // 2
        if rest < cum[mid]:
            hi = mid
        else:
            lo = mid + 1
    i = opened[lo - 1]
    return week * WEEK_MINUTES + i * SLOT_MINUTES + (rest - cum[i]) / weight[i]


@njit
def to_ordinary(cum: np.ndarray, weight: np.ndarray, real: float) -> float:
    week = real // WEEK_MINUTES
    rest = real - week * WEEK_MINUTES
    i = min(int(rest // SLOT_MINUTES), SLOTS - 1)
    return week * WEEK_MINUTES + cum[i] + (rest - i * SLOT_MINUTES) * weight[i]


# ---- the tally's integer arithmetic (tally.py) ---------------------------------------------
@njit
def fixed(x: float) -> int:
    """x in integer units of 2^-32 (truncated toward zero)."""
    return np.int64(x * SCALE)


@njit
def duration_bin(minutes: float) -> int:
    """The histogram bin of a duration; bin 0 holds 0 and anything below 0.06 s."""
    if minutes <= 0.0:
        return 0
    m, e = math.frexp(minutes)  # minutes = m * 2^e, 0.5 <= m < 1
    if e < LOW_OCTAVE:
        return 0
    i = 1 + (e - LOW_OCTAVE) * PER_OCTAVE + int((m * 2.0 - 1.0) * PER_OCTAVE)
    return i if i < DURATION_BINS else DURATION_BINS - 1


@njit
def bin_of(times: np.ndarray, time: float) -> int:
    """The checkpoint bin of a time: bisect_left(times, time)."""
    lo, hi = 0, len(times)
    while lo < hi:
        mid = (lo + hi) // 2
        if times[mid] < time:
            lo = mid + 1
        else:
            hi = mid
    return lo


# ---- one visit ----------------------------------------------------------------------------------
# Columns of the touchpoint table (tables.py): weight, max wait, number of events, the rows
# of the `after`, `takes` and `service` delays in the delay table (-1: none), and the
# `delivers` distribution.
WEIGHT, MAX_WAIT, N_EVENTS, AFTER, TAKES_ROW, SERVICE_ROW, PERF = range(7)
TP_COLUMNS = PERF + 6
# Entries of the model vector
TOLERANCE, CURVATURE, NEGATIVITY, WAIT_SENSITIVITY, RECOVERY = range(5)
NOISE_SD, SMOOTHING, ADAPTATION, REFERRAL_RATE, HORIZON, LOYALTY = range(5, 11)
MODEL_SIZE = LOYALTY + 5  # loyalty: floor, cap, slope, midpoint, price churn


@njit
def choose(cum: np.ndarray, u: float) -> int:
    """Which edge a uniform u takes (the last edge's cumulative share is 2)."""
    i = 0
    while u >= cum[i]:
        i += 1
    return i


@njit
def base_moment(
    tp: np.ndarray, t: int, vkey: np.uint64, expectation: float, channel: float, wait: float,
    model: np.ndarray,
) -> tuple[float, float]:  # fmt: skip
    """x before events: weight * v(D~), and the performance drawn (clipped to 1-5)."""
    performance = sample_for(tp[t, PERF:], vkey, PERFORMANCE)
    performance = 1.0 if performance < 1.0 else (5.0 if performance > 5.0 else performance)
    d = disconfirmation(performance, expectation, channel, wait, tp[t, MAX_WAIT],
                        model[WAIT_SENSITIVITY])  # fmt: skip
    x = tp[t, WEIGHT] * felt(d, model[TOLERANCE], model[CURVATURE], model[NEGATIVITY])
    return x, performance


@njit
def add_events(
    x: float, event_salts: np.ndarray, events: np.ndarray, t: int, n: int, vkey: np.uint64
) -> tuple[float, int]:
    """x plus the remembered value of each event that occurs, in the file's order, and
    which occurred (bit e for event e)."""
    fired = 0
    for e in range(n):
        if draw(vkey, event_salts[t, e]) < events[t, e, 0]:
            x += events[t, e, 1]
            fired |= 1 << e
    return x, fired


# A journey's running figures for the SimPy engine, in one array (see `note`)
J_N, J_TOTAL, J_LAST, J_HIGH, J_LOW, J_PEAK, J_HIGH_T, J_LOW_T = range(8)


@njit
def note(running: np.ndarray, t: int, x: float) -> None:
    """Add a moment to a journey's running figures: count, total, last, largest and
    smallest (and where), and the peak (largest |x|, the later on a tie)."""
    running[J_N] += 1
    running[J_TOTAL] += x
    running[J_LAST] = x
    if x > running[J_HIGH]:
        running[J_HIGH] = x
        running[J_HIGH_T] = t
    if x < running[J_LOW]:
        running[J_LOW] = x
        running[J_LOW_T] = t
    if x * x >= running[J_PEAK] * running[J_PEAK]:
        running[J_PEAK] = x


@njit
def recall_running(running: np.ndarray, rule: int) -> float:
    """R from a journey's running figures (`note`)."""
    return recall(rule, int(running[J_N]), running[J_TOTAL], running[J_LAST], running[J_HIGH],
                  running[J_LOW], running[J_PEAK])  # fmt: skip


@njit
def visit(
    tp: np.ndarray, delays: np.ndarray, event_salts: np.ndarray, events: np.ndarray,
    cum: np.ndarray, t: int, vkey: int, expectation: float, channel: float, wait: float,
    model: np.ndarray, running: np.ndarray, with_events: bool,
) -> tuple[float, float, int, int, float]:  # fmt: skip
    """One visit for the SimPy engine in one call: x, the performance, the events that
    occurred, the edge taken next (into `cum`, the node's cumulative shares) and the time
    the step takes; x goes into the journey's running figures. Without `with_events` the
    caller adds recoveries, then `events_of`, then notes x itself."""
    key = unsigned(vkey)
    x, performance = base_moment(tp, t, key, expectation, channel, wait, model)
    fired = 0
    if with_events:
        x, fired = add_events(x, event_salts, events, t, int(tp[t, N_EVENTS]), key)
        note(running, t, x)
    took = delay_for(delays, int(tp[t, TAKES_ROW]), key, TAKES)
    return x, performance, fired, choose(cum, unit(key)), took


@njit
def free_visit(
    tp: np.ndarray, delays: np.ndarray, event_salts: np.ndarray, events: np.ndarray,
    cum: np.ndarray, t: int, key: int, touchpoint_salt: int, count: int, expectation: float,
    channel: float, model: np.ndarray, running: np.ndarray, with_events: bool,
) -> tuple[float, float, int, int, float, int]:  # fmt: skip
    """`visit` for a visit with nothing before it (no delay, no queue), from the
    customer's key: one call instead of two; returns the visit's key too."""
    vkey = visit_key(key, touchpoint_salt, count)
    x, performance, fired, choice, took = visit(tp, delays, event_salts, events, cum, t, vkey,
                                                expectation, channel, 0.0, model, running,
                                                with_events)  # fmt: skip
    return x, performance, fired, choice, took, vkey


@njit
def events_of(
    x: float, tp: np.ndarray, event_salts: np.ndarray, events: np.ndarray, t: int, vkey: int
) -> tuple[float, int]:
    """`add_events` for Python callers."""
    return add_events(x, event_salts, events, t, int(tp[t, N_EVENTS]), unsigned(vkey))


@njit
def arrival_delay(delays: np.ndarray, edge: int, after: int, vkey: int) -> float:
    """The time before a visit: the delay of the edge it came by plus the touchpoint's own."""
    key = unsigned(vkey)
    return delay_for(delays, edge, key, EDGE_DELAY) + delay_for(delays, after, key, DELAY)


@njit
def service_time(delays: np.ndarray, row: int, vkey: int) -> float:
    """A queued visit's service time (never below 0)."""
    return delay_for(delays, row, unsigned(vkey), SERVICE)


@njit
def journey_choice(cum: np.ndarray, jkey: int) -> int:
    """The first edge of a journey, from the journey's own key."""
    return choose(cum, unit(unsigned(jkey)))


@njit
def after_journey(
    jkey: int, remembered: float, level: float, first: bool, gap_mean: float, price: float,
    model: np.ndarray,
) -> tuple[float, float, float]:  # fmt: skip
    """A journey's end for the SimPy engine: the new relationship level, the gap to the
    next journey (on the ordinary clock) and the minutes until the customer would leave."""
    key = unsigned(jkey)
    s = satisfaction(remembered, model[NOISE_SD], journey_noise(key, model[NOISE_SD]))
    level = relationship(level, s, model[SMOOTHING], first)
    if not gap_mean:
        return level, 0.0, math.inf
    u_gap, u_churn = pair(mix(key ^ LEAVE))
    gap = -gap_mean * math.log(u_gap)
    return level, gap, churn_after(stay(level, price, model[LOYALTY:]), u_churn)


@njit
def arrival_gap(base: int, n: int, rate: float) -> float:
    """The time from the (n-1)-th to the n-th new customer of a Poisson process."""
    return -math.log(draw(nth(unsigned(base), n), ARRIVAL_GAP)) / rate


@njit
def referral_gap(clock_base: int, step: int, rate: float) -> float:
    """The time from one referral to the next: exponential at the referral rate."""
    return -math.log(unit(nth(unsigned(clock_base), step))) / rate


# ---- whole lives, for the batched engine ------------------------------------------------------
# Without queues customers never meet, so each one's life (journeys, delays, churn and the
# referrals it makes) runs on its own clock, start to finish, in the order below; the
# tally's integer sums do not depend on that order (tally.py). It is the SimPy engine's
# `life`, `journey` and `refer` with the scheduler taken out.
#
# Rows of the tally arrays filled here (batch.py hands them to a Tally):
BIN_ACTIVE, BIN_INITIAL, BIN_LEVEL, BIN_PROMOTERS, BIN_DETRACTORS = range(5)
BIN_DURATION, BIN_ENDED, BIN_COMPLETED = 5, 6, 7  # completions: one row per persona
TP_VISITS, TP_X, TP_PEAK, TP_TROUGH, TP_DELAY = range(5)
N_JOURNEYS, N_REFERRALS, N_CUT, N_INITIAL, N_DURATION = range(5)
# Columns of the persona tables
P_GAP, P_PRICE, P_ARRIVALS = range(3)
P_COUNT, P_REPEAT, P_PROFILE = range(3)
# Flags of a run
F_TIMED, F_MEMORY, F_RECOVERING, F_LEARNING, F_LOGGING = range(5)
# Columns of the visits log and of the referral log (only kept when logging)
L_CUSTOMER, L_JOURNEY, L_TOUCHPOINT, L_FIRED, L_ROUND, L_STEP, L_KEY, L_PERSONA = range(8)
LOG_INTS = 8
L_ARRIVED, L_X, L_DELAY, L_END = range(4)
LOG_FLOATS = 4
R_PARENT, R_ROUND, R_CALL, R_STEP = range(4)
FAMILY_INTS = 4


@njit
def arrive(per_bin: np.ndarray, times: np.ndarray, counters: np.ndarray, time: float,
           initial: bool) -> None:  # fmt: skip
    """A customer joins, holding L = 7 until its first journey."""
    b = bin_of(times, time)
    per_bin[BIN_ACTIVE, b] += 1
    per_bin[BIN_LEVEL, b] += fixed(NEUTRAL)
    if initial:
        counters[N_INITIAL] += 1
        per_bin[BIN_INITIAL, b] += 1


@njit
def leave(per_bin: np.ndarray, times: np.ndarray, time: float, level: float,
          initial: bool) -> None:  # fmt: skip
    b = bin_of(times, time)
    per_bin[BIN_ACTIVE, b] -= 1
    per_bin[BIN_LEVEL, b] -= fixed(level)
    per_bin[BIN_PROMOTERS, b] -= np.int64(level >= PROMOTER)
    per_bin[BIN_DETRACTORS, b] -= np.int64(level < DETRACTOR)
    if initial:
        per_bin[BIN_INITIAL, b] -= 1


@njit
def relate(per_bin: np.ndarray, times: np.ndarray, time: float, old: float, new: float) -> None:
    """The relationship level of a customer moves from old to new."""
    b = bin_of(times, time)
    per_bin[BIN_LEVEL, b] += fixed(new) - fixed(old)
    per_bin[BIN_PROMOTERS, b] += np.int64(new >= PROMOTER) - np.int64(old >= PROMOTER)
    per_bin[BIN_DETRACTORS, b] += np.int64(new < DETRACTOR) - np.int64(old < DETRACTOR)


@njit
def population(
    persona_f: np.ndarray, persona_i: np.ndarray, bases: np.ndarray, prof_cum: np.ndarray,
    prof_w: np.ndarray, prof_open: np.ndarray, horizon: float, times: np.ndarray,
    per_bin: np.ndarray, counters: np.ndarray,
):  # fmt: skip
    """The customers present at time 0 and those who arrive, in the SimPy engine's order
    of creation: keys, personas and the time each one's first journey starts."""
    keys = [U64(0)]
    persona = [0]
    start = [0.0]
    initial = [True]
    keys.clear()
    persona.clear()
    start.clear()
    initial.clear()
    for p in range(len(persona_f)):
        gap = persona_f[p, P_GAP]
        for i in range(persona_i[p, P_COUNT]):
            key = mix(bases[p, 0] ^ U64(i))
            arrive(per_bin, times, counters, 0.0, True)
            delay = gap * draw(key, BIRTH) if gap else 0.0
            if persona_i[p, P_PROFILE]:
                delay = to_real(prof_cum[p], prof_w[p], prof_open[p], delay)
            keys.append(key)
            persona.append(p)
            start.append(delay)
            initial.append(True)
        rate = persona_f[p, P_ARRIVALS]
        if rate > 0:
            base = bases[p, 1]
            ordinary = 0.0
            n = 0
            while True:
                ordinary += -math.log(draw(nth(base, n), ARRIVAL_GAP)) / rate
                time = ordinary
                if persona_i[p, P_PROFILE]:
                    time = to_real(prof_cum[p], prof_w[p], prof_open[p], ordinary)
                if not time < horizon:
                    break
                keys.append(mix(base ^ U64(n)))
                persona.append(p)
                start.append(time)
                initial.append(False)
                arrive(per_bin, times, counters, time, False)
                n += 1
    return np.array(keys), np.array(persona), np.array(start), np.array(initial)


@njit
def recover(
    x: float, t: int, n: int, vkey: np.uint64, rec_salt: np.ndarray, rec_chance: np.ndarray,
    rec_slot: np.ndarray, recovery: float, hurt: np.ndarray, repairs: np.ndarray,
    repaired: int,
) -> tuple[float, int]:  # fmt: skip
    """x plus the recoveries of failures earlier in the journey; `hurt` rows: (loss, the
    failing moment, whether it still hurts). Returns x and the number of repairs."""
    for r in range(rec_slot.shape[1]):
        slot = rec_slot[t, r]
        if slot < 0:
            break
        if hurt[slot, 2] and draw(vkey, rec_salt[t, r]) < rec_chance[t, r]:
            gain = -recovery * hurt[slot, 0]
            x += gain
            hurt[slot, 2] = 0.0
            repairs[repaired, 0] = hurt[slot, 1]
            repairs[repaired, 1] = hurt[slot, 0]
            repairs[repaired, 2] = n
            repairs[repaired, 3] = gain
            repaired += 1
    return x, repaired


@njit
def walk(
    key: np.uint64, p: int, customer: int, journeys: int, round_: int, begin: float,
    jkey: np.uint64, visits: np.ndarray, expect: np.ndarray, tp: np.ndarray,
    delays: np.ndarray, event_salts: np.ndarray, events: np.ndarray, event_slot: np.ndarray,
    rec_salt: np.ndarray, rec_chance: np.ndarray, rec_slot: np.ndarray, cum: np.ndarray,
    targets: np.ndarray, edge: np.ndarray, salts: np.ndarray, channel: np.ndarray,
    persona_i: np.ndarray, model: np.ndarray, flags: np.ndarray, moments: np.ndarray,
    steps: np.ndarray, waits: np.ndarray, hurt: np.ndarray, repairs: np.ndarray,
    seen: np.ndarray, log_i, log_f,
):  # fmt: skip
    """One journey from its start (engine.Simulation.journey without queues).

    Returns the node it ended at (k: the end, k + 1: an exit, -1: still under way at the
    horizon), the time it ended, the number of visits, R, the touchpoints of its peak and
    trough, and whether it was cut. Visits are in `steps`, `moments` and `waits`.
    """
    k = tp.shape[0]
    horizon = model[HORIZON]
    timed = flags[F_TIMED]
    logging = flags[F_LOGGING]
    recovering = flags[F_RECOVERING]
    learning = flags[F_LEARNING]
    if recovering:
        hurt[:, 2] = 0.0
    if learning:
        seen[:] = np.nan
    repaired = 0
    n = 0
    total = last = peak = 0.0
    high, low = -math.inf, math.inf
    high_t = low_t = 0
    cut = False
    clock = begin
    via = -1  # the delay row of the edge the next visit comes by
    repeat_start = persona_i[p, P_REPEAT]
    if journeys and repeat_start < k:
        t = repeat_start
    else:
        i = choose(cum[p, k], unit(jkey))
        t = targets[p, k, i]
        via = edge[p, k, i]
    while t < k:
        if n >= MAX_STEPS:
            cut = True
            break
        count = visits[t]
        visits[t] = count + 1
        vkey = nth(key ^ salts[t], count)
        delay = 0.0
        if timed:
            delay = delay_for(delays, via, vkey, EDGE_DELAY) + delay_for(
                delays, int(tp[t, AFTER]), vkey, DELAY
            )
            clock = clock + delay
            if clock >= horizon:
                return -1, clock, n, 0.0, 0, 0, cut
        x, performance = base_moment(tp, t, vkey, expect[t], channel[p, t], delay, model)
        if recovering:
            x, repaired = recover(x, t, n, vkey, rec_salt, rec_chance, rec_slot,
                                  model[RECOVERY], hurt, repairs, repaired)  # fmt: skip
        x, fired = add_events(x, event_salts, events, t, int(tp[t, N_EVENTS]), vkey)
        if recovering and fired:
            for e in range(int(tp[t, N_EVENTS])):
                slot = event_slot[t, e]
                if fired >> e & 1 and slot >= 0:
                    hurt[slot, 0] = events[t, e, 1]
                    hurt[slot, 1] = n
                    hurt[slot, 2] = 1.0
        if learning:
            seen[t] = performance
        took = delay_for(delays, int(tp[t, TAKES_ROW]), vkey, TAKES) if timed else 0.0
        if logging:
            log_i.extend((customer, journeys + 1, t, fired, round_, n, signed(key), p))
            log_f.extend((clock, x, delay, clock + took))
        steps[n] = t
        moments[n] = x
        waits[n] = delay
        n += 1
        total += x
        last = x
        if x > high:
            high, high_t = x, t
        if x < low:
            low, low_t = x, t
        if x * x >= peak * peak:
            peak = x
        i = choose(cum[p, t], unit(vkey))
        via = edge[p, t, i]
        t = targets[p, t, i]
        if timed:
            clock = clock + took
            if clock >= horizon:
                return -1, clock, n, 0.0, 0, 0, cut
    remembered = recall(flags[F_MEMORY], n, total, last, high, low, peak)
    if repaired:
        remembered = restored_at_best(moments, n, repairs, repaired, flags[F_MEMORY],
                                      remembered)  # fmt: skip
    return t, clock, n, remembered, high_t, low_t, cut


@njit
def count_journey(
    p: int, end: int, begin: float, now: float, n: int, high_t: int, low_t: int, cut: bool,
    steps: np.ndarray, moments: np.ndarray, waits: np.ndarray, timed: bool, times: np.ndarray,
    per_bin: np.ndarray, per_tp: np.ndarray, counters: np.ndarray, durations: np.ndarray,
) -> None:  # fmt: skip
    """A journey's visits and outcome into the tally, when it has ended (engine.count)."""
    k = per_tp.shape[1]
    for s in range(n):
        t = steps[s]
        per_tp[TP_VISITS, t] += 1
        per_tp[TP_X, t] += fixed(moments[s])
        if waits[s]:
            per_tp[TP_DELAY, t] += fixed(waits[s])
    counters[N_JOURNEYS] += 1
    b = bin_of(times, now)
    if timed:
        f = fixed(now - begin)
        counters[N_DURATION] += f
        durations[duration_bin(now - begin)] += 1
        per_bin[BIN_DURATION, b] += f
        per_bin[BIN_ENDED, b] += 1
    if end == k:
        per_bin[BIN_COMPLETED + p, b] += 1
    if cut:
        counters[N_CUT] += 1
    if n:
        per_tp[TP_PEAK, high_t] += 1
        per_tp[TP_TROUGH, low_t] += 1


@njit
def simulate_lives(
    tp: np.ndarray, delays: np.ndarray, event_salts: np.ndarray, events: np.ndarray,
    event_slot: np.ndarray, rec_salt: np.ndarray, rec_chance: np.ndarray,
    rec_slot: np.ndarray, cum: np.ndarray, targets: np.ndarray, edge: np.ndarray,
    salts: np.ndarray, expectation: np.ndarray, channel: np.ndarray, model: np.ndarray,
    persona_f: np.ndarray, persona_i: np.ndarray, bases: np.ndarray, prof_cum: np.ndarray,
    prof_w: np.ndarray, prof_open: np.ndarray, flags: np.ndarray, times: np.ndarray,
    per_bin: np.ndarray, per_tp: np.ndarray, counters: np.ndarray, durations: np.ndarray,
    keys: np.ndarray, persona: np.ndarray, start: np.ndarray, initial: np.ndarray,
    begin: int, stop: int, referred: int,
):  # fmt: skip
    """The whole lives of the customers numbered begin..stop-1 of `population` (keys,
    personas, start times, present at time 0); referred customers live right after their
    referrer's, numbered from `referred` on.

    Returns the next number of a referred customer and, with the logging flag, the visits
    (LOG_INTS ints and LOG_FLOATS floats per visit) and who referred whom (FAMILY_INTS
    per referral, in order of the referred customers' numbers).
    """
    k = tp.shape[0]
    horizon = model[HORIZON]
    rate = model[REFERRAL_RATE]
    timed = bool(flags[F_TIMED])
    visits = np.zeros(k, dtype=np.int64)
    expect = np.zeros(k)
    moments = np.zeros(MAX_STEPS)
    waits = np.zeros(MAX_STEPS)
    steps = np.zeros(MAX_STEPS, dtype=np.int64)
    repairs = np.zeros((MAX_STEPS * rec_slot.shape[1] + 1, 4))
    hurt = np.zeros((max(event_slot.max() + 1, 1), 3))
    seen = np.zeros(k)
    log_i = [np.int64(0)]
    log_f = [0.0]
    family = [np.int64(0)]
    log_i.clear()
    log_f.clear()
    family.clear()
    # customers still to live: key, persona, start, number, the round of its first journey
    stack = [(U64(0), 0, 0.0, 0, 0)]
    stack.clear()
    born = len(keys)
    for first in range(begin, stop):
        stack.append((keys[first], persona[first], start[first], first, 0))
        while stack:
            key, p, now, customer, round_ = stack.pop()
            present = customer < born and initial[customer]  # at time 0
            visits[:] = 0
            expect[:] = expectation[p]
            level = NEUTRAL
            journeys = 0
            referrals = 0
            gap_mean = persona_f[p, P_GAP]
            friends = mix(key ^ REFERRALS)
            while now < horizon:
                jkey = nth(key ^ JOURNEYS, journeys)
                end, clock, n, remembered, high_t, low_t, cut = walk(
                    key, p, customer, journeys, round_ + journeys + 1, now, jkey, visits,
                    expect, tp, delays, event_salts, events, event_slot, rec_salt, rec_chance,
                    rec_slot, cum, targets, edge, salts, channel, persona_i, model, flags,
                    moments, steps, waits, hurt, repairs, seen, log_i, log_f,
                )  # fmt: skip
                if end < 0:
                    break  # under way at the horizon: it counts nowhere, nothing follows
                count_journey(p, end, now, clock, n, high_t, low_t, cut, steps, moments, waits,
                              timed, times, per_bin, per_tp, counters, durations)  # fmt: skip
                if flags[F_LEARNING]:
                    for t in range(k):
                        if not np.isnan(seen[t]):
                            expect[t] += model[ADAPTATION] * (seen[t] - expect[t])
                now = clock
                old = level
                s = satisfaction(remembered, model[NOISE_SD], journey_noise(jkey, model[NOISE_SD]))
                level = relationship(old, s, model[SMOOTHING], journeys == 0)
                relate(per_bin, times, now, old, level)
                journeys += 1
                promoter = level >= PROMOTER and rate > 0
                window = gap = then = leave_at = math.inf
                if gap_mean:
                    u_gap, u_churn = pair(mix(jkey ^ LEAVE))
                    gap = -gap_mean * math.log(u_gap)
                    then = now + gap
                    if persona_i[p, P_PROFILE]:  # the gap is drawn on the profile's clock
                        then = to_real(prof_cum[p], prof_w[p], prof_open[p],
                                       to_ordinary(prof_cum[p], prof_w[p], now) + gap)  # fmt: skip
                        gap = then - now
                    leave_at = churn_after(stay(level, persona_f[p, P_PRICE], model[LOYALTY:]),
                                           u_churn)  # fmt: skip
                    window = gap if gap < leave_at else leave_at
                if promoter:
                    clock_base = mix(jkey ^ REFERRAL_CLOCK)
                    since = 0.0
                    step = 0
                    while True:
                        since += -math.log(unit(nth(clock_base, step))) / rate
                        if not (since < window and now + since < horizon):
                            break
                        friend = nth(friends, referrals)
                        referrals += 1
                        counters[N_REFERRALS] += 1
                        arrive(per_bin, times, counters, now + since, False)
                        if flags[F_LOGGING]:
                            family.extend((customer, round_ + journeys, 1 if gap_mean else 0,
                                           step))  # fmt: skip
                        stack.append((friend, p, now + since, referred, round_ + journeys))
                        referred += 1
                        step += 1
                if not gap_mean:
                    break  # one journey, then active for good
                if leave_at < gap:
                    if now + leave_at < horizon:
                        leave(per_bin, times, now + leave_at, level, present)
                    break
                now = then
    return (
        referred,
        np.array(log_i, dtype=np.int64),
        np.array(log_f),
        np.array(family, dtype=np.int64),
    )
