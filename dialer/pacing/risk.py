"""How many calls predictive dialing may add while keeping answers below free operators.

Answers and free operators are sums of independent yes/no events (Poisson-binomial); a normal
approximation keeps the bound closed-form. With ``slack = expected free - expected answers in
flight`` and ``variance`` the variance of both sums so far, ``x`` new calls answered with
probability ``p`` each must satisfy::

    slack - p·x >= z · sqrt(variance + p(1-p)·x)

so that more simultaneous answers than free operators (an abandon) stays ``z`` standard deviations
away. ``z`` grows as the abandon rate approaches its threshold (see :func:`safety_z`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dialer.pacing.inputs import AbandonBudget


@dataclass(frozen=True, slots=True)
class RiskTuning:
    """How boldly predictive dialing spends the abandon budget.

    ``z_low`` is the safety distance with no abandons so far, ``z_high`` the one reached at the
    abandon threshold (the rate in between moves it linearly). ``min_answered`` is the number of
    person-answered calls needed before any dialing ahead: with fewer, one abandon would already
    breach the threshold.
    """

    z_low: float = 0.6
    z_high: float = 2.0
    min_answered: int = 0


def safety_z(budget: AbandonBudget, tuning: RiskTuning) -> float:
    """The safety distance for the abandon rate so far: bolder with more room under the threshold."""
    threshold = budget.threshold
    if threshold <= 0.0:
        return math.inf
    used = min(1.0, budget.rate / threshold)
    return tuning.z_low + (tuning.z_high - tuning.z_low) * used


def max_calls(slack: float, variance: float, p: float, z: float) -> float:
    """The largest (real) number of new calls keeping ``slack - p·x >= z·sqrt(variance + p(1-p)·x)``.

    0 when even no new call keeps that distance; never negative.
    """
    if p <= 0.0 or slack <= 0.0:
        return 0.0
    z2 = z * z
    if slack * slack < z2 * variance:
        return 0.0
    c = p * (1.0 - p)
    # p²x² - (2·slack·p + z²c)x + slack² - z²·variance >= 0, with x <= slack/p: the smaller root.
    b = 2.0 * slack * p + z2 * c
    disc = b * b - 4.0 * p * p * (slack * slack - z2 * variance)
    root = (b - math.sqrt(max(0.0, disc))) / (2.0 * p * p)
    return max(0.0, min(root, slack / p))
