"""Short-horizon forecasts: will a ringing call be answered, will a busy operator be free in time?

The model is deliberately simple and closed-form so the decision stays cheap enough to run every
second per campaign: a person answers after an exponential ring time (mean ``mean_ring_s``), an
attempt that reaches nobody ends after an exponential time (mean ``mean_fail_s``), the rest of a talk
is exponential (mean ``mean_talk_s``, memoryless, so the talk's elapsed time does not move it) and
wrap-up lasts ``mean_wrap_s``. "In time" means by the moment a call placed now is answered, plus the
connect limit that a person may wait for an operator.
"""

from __future__ import annotations

import math


def answer_probability(elapsed_s: float, answer_rate: float, mean_ring_s: float, mean_fail_s: float) -> float:
    """Probability that a call still ringing after ``elapsed_s`` will be answered by a person.

    Bayes on survival: a person-bound call survives ``elapsed_s`` with ``exp(-t/mean_ring)``, a
    failing one with ``exp(-t/mean_fail)``; old calls are mostly the ones that will fail.
    """
    if elapsed_s <= 0.0:
        return answer_rate
    person = answer_rate * math.exp(-elapsed_s / mean_ring_s)
    nobody = (1.0 - answer_rate) * math.exp(-elapsed_s / mean_fail_s)
    total = person + nobody
    return person / total if total > 0.0 else 0.0


def free_in_time_after_wrap(wrap_left_s: float, mean_ring_s: float, connect_limit_s: float) -> float:
    """Probability an operator with ``wrap_left_s`` of wrap-up is free when a new call is answered."""
    late = wrap_left_s - connect_limit_s
    if late <= 0.0:
        return 1.0
    return math.exp(-late / mean_ring_s)


def free_in_time_after_talk(
    mean_talk_s: float, mean_wrap_s: float, mean_ring_s: float, connect_limit_s: float
) -> float:
    """Probability an operator in talk (then a full wrap-up) is free when a new call is answered.

    ``P(ring + connect >= rest_of_talk + wrap)`` with exponential ring and rest of talk.
    """
    a = 1.0 / mean_ring_s
    b = 1.0 / mean_talk_s
    d = mean_wrap_s - connect_limit_s
    if d >= 0.0:
        return math.exp(-a * d) * b / (a + b)
    return 1.0 - math.exp(b * d) * a / (a + b)
