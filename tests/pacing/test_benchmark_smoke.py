"""The benchmark's simulated shift drives the engine's own pacing function; a short shift as a check."""

from __future__ import annotations

from benchmarks.pacing import ParameterSet, simulate, summarize
from dialer.pacing import DialMode

SHIFT = ParameterSet(operators=20, answer_rate=1 / 3, talk_s=90.0, hours=0.5)


def test_predictive_keeps_operators_busier_than_progressive_within_the_abandon_cap() -> None:
    progressive = summarize(SHIFT, DialMode.PROGRESSIVE, [simulate(SHIFT, DialMode.PROGRESSIVE, 1)])
    predictive = summarize(SHIFT, DialMode.PREDICTIVE, [simulate(SHIFT, DialMode.PREDICTIVE, 1)])
    assert progressive.abandon_rate_max == 0.0
    assert predictive.occupancy_of_ceiling > progressive.occupancy_of_ceiling + 0.1
    assert predictive.abandon_rate_max <= 0.03
    assert predictive.connect_delay_p99_s < 2.0


def test_a_seed_replays_the_same_shift() -> None:
    first = simulate(SHIFT, DialMode.PREDICTIVE, 7)
    again = simulate(SHIFT, DialMode.PREDICTIVE, 7)
    assert (first.placed, first.answered, first.abandoned) == (again.placed, again.answered, again.abandoned)
