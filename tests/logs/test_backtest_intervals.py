"""Properties of the intervals the backtest and the drift check rest on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxjourney.logs.intervals import holm, jeffreys, new_draw, share_prediction, wilson

p_values = st.lists(st.floats(0, 1), min_size=1, max_size=30)


@given(p_values)
def test_holm_never_lowers_a_p_value_and_keeps_their_order(ps: list[float]):
    adjusted = holm(ps)
    assert all(a >= p for a, p in zip(adjusted, ps, strict=True))
    assert all(a <= 1.0 for a in adjusted)
    for i in range(len(ps)):
        for j in range(len(ps)):
            if ps[i] < ps[j]:
                assert adjusted[i] <= adjusted[j]


@given(st.integers(0, 500), st.integers(1, 500))
def test_share_intervals_hold_the_share_and_stay_in_0_1(k: int, n: int):
    k = min(k, n)
    for low, high in (wilson(k, n), jeffreys(k, n)):
        assert 0.0 <= low <= k / n <= high <= 1.0
        assert high - low > 0  # never a point, even at 0 or n


@settings(max_examples=50)
@given(st.integers(0, 300), st.integers(20, 300), st.integers(1, 300))
def test_share_prediction_holds_the_trained_share_roughly(k: int, n: int, m: int):
    """The predictive interval of a later share is within [0, 1]; for a share seen at 0 of
    n ≥ 20 it starts at 0 and ends below 1 (one later case has the trait with chance
    0.5/(n+1) < 2.5%), and likewise at n of n: a later share can miss on the far side."""
    k = min(k, n)
    low, high = share_prediction(k, n, m)
    assert 0.0 <= low <= high <= 1.0
    if k == 0:
        assert low == 0.0 and high < 1.0
    if k == n:
        assert high == 1.0 and low > 0.0


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=20))
def test_new_draw_holds_the_mean_and_is_symmetric(values: list[float]):
    mean, low, high = new_draw(values)
    tolerance = 1e-9 * (1 + max(abs(v) for v in values))
    assert low - tolerance <= mean <= high + tolerance
    assert abs((high - mean) - (mean - low)) <= tolerance * 10
