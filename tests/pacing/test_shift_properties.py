"""The abandon cap holds in simulated shifts of worlds drawn at random from the sweep's ranges.

Each example is a short shift of ``benchmarks/pacing.py``'s event-by-event simulation driving the
engine's own ``decide``: answer rates 0.05-0.6, 2-16 operators, mean talk 30 s-15 min of three
shapes, ring and failure times of other shapes, AMD verdict delays or none. Bounded (few examples,
short shifts) so the suite stays fast; the sweep itself runs longer shifts (``--sweep``).
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks.pacing import CAP, ParameterSet, simulate
from dialer.pacing import DialMode

worlds = st.builds(
    ParameterSet,
    operators=st.integers(min_value=2, max_value=16),
    answer_rate=st.floats(min_value=0.05, max_value=0.6),
    talk_s=st.floats(min_value=30.0, max_value=900.0),
    wrap_s=st.sampled_from([0.0, 5.0, 10.0, 30.0]),
    ring_s=st.floats(min_value=4.0, max_value=20.0),
    fail_s=st.floats(min_value=10.0, max_value=40.0),
    hours=st.sampled_from([0.25, 0.5]),
    talk_dist=st.sampled_from(["exponential", "lognormal", "mixture"]),
    ring_shape=st.sampled_from([1.0, 2.0, 4.0]),
    fail_shape=st.sampled_from([1.0, 4.0]),
    amd=st.booleans(),
)


# Found by this test: two abandoned in one burst at 34 answers, 2 of 65 at the end (3.08%), when
# predictive dialed ahead from one abandon of headroom.
BURST_AT_A_COLD_START = ParameterSet(
    operators=13,
    answer_rate=0.5,
    talk_s=169.34375,
    wrap_s=30.0,
    ring_s=4.0,
    fail_s=14.625,
    hours=0.25,
    talk_dist="lognormal",
    ring_shape=1.0,
    fail_shape=4.0,
    amd=True,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds, st.integers(min_value=0, max_value=10_000))
@example(BURST_AT_A_COLD_START, 76)
def test_no_simulated_shift_ends_over_the_abandon_cap(world: ParameterSet, seed: int) -> None:
    shift = simulate(world, DialMode.PREDICTIVE, seed)
    assert shift.abandoned <= CAP * shift.answered
    assert shift.talk_s >= 0.0
