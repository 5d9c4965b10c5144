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

    The safety distance moves from ``z_high`` (no abandon to spare) toward ``z_low`` as the
    headroom, the abandons that still fit under the threshold, grows: it is
    ``z_low + (z_high - z_low) · cushion / (cushion + headroom)``. The rate therefore settles where
    the distance it needs is balanced by a headroom of a few abandons (about ``cushion``), which is
    a smaller share of the rate the more people have answered: the window is steered up to its
    threshold from below, tighter as it fills. Dialing ahead stops (falls back to progressive) while
    fewer than ``min_headroom`` abandons fit, or fewer than ``min_headroom_in_flight`` once the
    abandons the calls already in flight may cause are taken away: the headroom then only has to
    absorb the calls in flight, which keeps the cap a hard limit even early in a window. Two, not
    one, before dialing ahead at all: early in a window the estimates are young (the talks seen so
    far are the short ones, a wrap-up prior may be optimistic), and two people abandoned in the same
    burst at a headroom of one crossed the cap in 11 of 4,000 random short shifts, none at two.

    Predictive also dials as progressive with fewer than ``min_operators`` logged in, and with a team
    under ``small_team`` whose progressive dialing would leave them less than ``min_idle_share`` of
    their time idle (long talks, many answers): there is nothing for the abandons to buy.
    """

    z_low: float = 0.0
    z_high: float = 2.5
    cushion: float = 10.0
    min_headroom: float = 2.0
    min_headroom_in_flight: float = 1.0
    min_operators: int = 2  # fewer logged in: progressive (a lone operator has nothing to pool)
    small_team: int = 10  # below this many operators, predictive must have room to win...
    min_idle_share: float = 0.05  # ...progressive leaving at least this share of their time idle


def headroom(budget: AbandonBudget) -> float:
    """How many more abandons the threshold allows now (0 when the rate is at or above it)."""
    return max(0.0, budget.threshold * budget.answered - budget.abandoned)


def margin_gone(budget: AbandonBudget, tuning: RiskTuning) -> bool:
    """True when dialing ahead must stop: the rate reached the threshold, or fewer than
    ``min_headroom`` abandons fit under it."""
    return budget.rate >= budget.threshold or headroom(budget) + 1e-9 < tuning.min_headroom


def safety_z(budget: AbandonBudget, tuning: RiskTuning) -> float:
    """The safety distance for the abandon budget left: bolder the more abandons still fit.

    It depends on the headroom counted in abandons, not on the rate: early in a window (few
    answered) one abandon is a large share and the distance stays near ``z_high``; once many
    people have answered the same rate leaves many abandons to spend and the distance falls
    toward ``z_low``. Spending lowers the headroom and raises the distance again, so the rate is
    steered up to the threshold and held just under it.
    """
    threshold = budget.threshold
    if threshold <= 0.0:
        return math.inf
    used = tuning.cushion / (tuning.cushion + headroom(budget)) if tuning.cushion > 0.0 else 0.0
    return tuning.z_low + (tuning.z_high - tuning.z_low) * min(1.0, used)


def expected_overflow(slack: float, variance: float) -> float:
    """Expected answers beyond free operators, ``E[(A - F)+]``, for ``A - F`` normal with mean
    ``-slack`` and ``variance``: the abandons the calls already in flight may cause."""
    if variance <= 0.0:
        return max(0.0, -slack)
    sd = math.sqrt(variance)
    u = slack / sd
    density = math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
    return sd * density - slack * 0.5 * math.erfc(u / math.sqrt(2.0))


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
    # Both the discriminant b² - 4p²·constant (expanded: z²·(4·slack·p·c + z²c² + 4p²·variance))
    # and the root (2·constant / (b + √disc) instead of (b - √disc) / 2p²) are written without
    # subtracting near-equal numbers: with a small z the textbook forms cancel and land past the root.
    b = 2.0 * slack * p + z2 * c
    constant = slack * slack - z2 * variance
    disc = z2 * (4.0 * slack * p * c + z2 * c * c + 4.0 * p * p * variance)
    denominator = b + math.sqrt(disc)
    if denominator <= 0.0:  # slack and p so small that the product underflows: no call is safe
        return 0.0
    root = 2.0 * constant / denominator
    return max(0.0, min(root, slack / p))
