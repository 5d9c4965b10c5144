"""The marginal call's abandon risk, from a time-resolved forecast of answers against free operators.

A call placed now reaches a person at a random moment ``T`` (its ring time, exponential of mean
``mean_ring_s``; AMD's verdict and the connect limit then give operators ``patience`` longer). It is
abandoned when, by then, the people ahead of it (those waiting now, and the ringing calls answered
before ``T``) leave no operator free by ``T + patience``: with ``A(t)`` the people ahead and
``F(t)`` the operators free by ``t + patience`` (ready now, wrap-ups ending, talks ending and their
wrap-up done), the call is lost when ``F(T) - A(T) < 1``. Both are sums of independent yes/no events
for a given ``T``; a normal approximation (with a continuity correction) gives the chance at each of
a few moments, the quantiles of ``T``, and their mean is the call's abandon probability.

Counting both sides at the same moment is what a single horizon could not do: a ringing call that
will answer late meets the operators that come free late, and a ready operator now may be taken by
an answer due in two seconds. Ringing calls stay memoryless (a person-bound call's remaining ring
time is exponential of the same mean), so the answers ahead at ``t`` need only the sum of the
ringing calls' answer probabilities and the sum of their squares. The ``x``-th new call placed in
the same decision has the other ``x - 1`` among the calls that may answer before it.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass

from dialer.pacing.forecast import TalkSurvival

QUANTILES = 6  # moments T is evaluated at: the midpoints of this many equal-probability slices
GRID_S = 0.25  # resolution of the ring curve's table
_PER_GRID = 1.0 / GRID_S
_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True, slots=True)
class TimedForecast:
    """Per moment ``t_k`` a new call may reach a person: the expected gap ``F - A`` between operators
    free by ``t_k + patience`` and people ahead of it (new calls aside), its variance, and
    ``reach[k]``, the chance a person-bound call placed now has answered by ``t_k``."""

    gap_mean: tuple[float, ...]
    gap_var: tuple[float, ...]
    reach: tuple[float, ...]
    free_mean: float  # operators free, averaged over the moments (the single-horizon figure)
    free_var: float
    free_spread: float  # the variance of the expected free operators across the moments
    ringing: float  # people expected among the ringing calls
    ringing_var: float

    def abandon_probability(self, nth: int, p: float) -> float:
        """The chance the ``nth`` call placed now (1 for the first) is abandoned, each new call
        reaching a person with probability ``p``."""
        others = nth - 1 if nth > 1 else 0
        total = 0.0
        erfc, sqrt = math.erfc, math.sqrt
        for mean, var, c in zip(self.gap_mean, self.gap_var, self.reach, strict=True):
            q = p * c
            mean -= others * q
            var += others * q * (1.0 - q)
            if var <= 1e-12:
                total += 1.0 if mean < 0.5 else 0.0
            else:
                total += 0.5 * erfc((mean - 0.5) / (sqrt(var) * _SQRT2))
        return total / len(self.gap_mean)

    def added_abandons(self, nth: int, p: float) -> float:
        """The abandons the ``nth`` new call adds, per person it brings (``p`` of a call): the
        new calls' own (each ``p · P(n)``) and the ringing calls' (``ringing`` people, each with the
        new calls that answer first ahead of it), with ``n`` new calls less those with ``n - 1``."""
        own = nth * self.abandon_probability(nth, p) - (nth - 1) * self.abandon_probability(nth - 1, p)
        ringing = self.ringing * (self.abandon_probability(nth + 1, p) - self.abandon_probability(nth, p))
        return own + ringing / p

    def max_calls(self, p: float, threshold: float, limit: int) -> int:
        """The most new calls (at most ``limit``) whose last one adds at most ``threshold`` abandons
        per person it brings: each call added adds more, so a bisection finds the number."""
        if limit <= 0 or p <= 0.0 or self.added_abandons(1, p) > threshold:
            return 0
        low, high = 1, limit  # added_abandons(low) <= threshold
        if self.added_abandons(high, p) <= threshold:
            return high
        while high - low > 1:
            mid = (low + high) // 2
            if self.added_abandons(mid, p) <= threshold:
                low = mid
            else:
                high = mid
        return low


@dataclass(frozen=True, slots=True)
class RingCurve:
    """How long a person-bound call rings before the answer: the recent answers' empirical curve
    (weight ``n / (n + w)``) mixed with an exponential of mean ``prior_mean_s``, as for talk times.
    ``points`` are the moments a call placed now is evaluated at: the midpoints (in probability) of
    ``QUANTILES`` equal slices of the curve."""

    times: tuple[float, ...]  # sorted
    weight: float
    prior_mean_s: float
    points: tuple[float, ...]
    grid: tuple[float, ...] = ()  # the survival every GRID_S seconds, for the ringing calls' many lookups

    @classmethod
    def of(cls, recent_s: tuple[float, ...], prior_mean_s: float, prior_weight: float) -> RingCurve:
        times = tuple(sorted(t for t in recent_s if t >= 0.0))
        n = len(times)
        weight = n / (n + prior_weight) if n + prior_weight > 0.0 else 0.0
        curve = cls(times, weight, max(prior_mean_s, 1e-9), ())
        points = []
        high = max(times[-1] if times else 0.0, 20.0 * curve.prior_mean_s)
        for k in range(QUANTILES):
            target = (k + 0.5) / QUANTILES  # the survival's level: 1 - the quantile
            lo, hi = 0.0, high
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                if curve.survival(mid) > 1.0 - target:
                    lo = mid
                else:
                    hi = mid
            points.append(0.5 * (lo + hi))
        m = curve.prior_mean_s
        steps = int(max(times[-1] if times else 0.0, 10.0 * m) / GRID_S) + 2
        grid: list[float] = []
        j, decay, prior = 0, math.exp(-GRID_S / m), 1.0
        for i in range(steps):  # the empirical part by walking the sorted sample once
            x = i * GRID_S
            while j < n and times[j] <= x:
                j += 1
            grid.append(weight * (n - j) / n + (1.0 - weight) * prior if n else prior)
            prior *= decay
        return cls(times, weight, m, tuple(points), tuple(grid))

    def survival_fast(self, x: float) -> float:
        """:meth:`survival` from the grid (to ``GRID_S``), the exponential's tail past it."""
        i = int(x * _PER_GRID)
        grid = self.grid
        if i < len(grid):
            return grid[i]
        return (1.0 - self.weight) * math.exp(-x / self.prior_mean_s)

    def survival(self, x: float) -> float:
        """``P(ring > x)`` for a person-bound call."""
        prior = math.exp(-x / self.prior_mean_s) if x > 0.0 else 1.0
        n = len(self.times)
        if not n:
            return prior
        emp = (n - bisect.bisect_right(self.times, x)) / n
        return self.weight * emp + (1.0 - self.weight) * prior


@functools.lru_cache(maxsize=8)
def ring_curve(recent_s: tuple[float, ...], prior_mean_s: float, prior_weight: float) -> RingCurve:
    """:meth:`RingCurve.of`, remembered for the last few samples (they change only on an answer)."""
    return RingCurve.of(recent_s, prior_mean_s, prior_weight)


def timed_forecast(
    *,
    ready: int,
    waiting: int,
    ringing_elapsed: tuple[float, ...],
    answer_rate: float,
    fail: RingCurve,
    ring: RingCurve,
    wrap_left: list[float],
    talking_elapsed: tuple[float, ...],
    talks: TalkSurvival | None,
    mean_wrap_s: float,
    patience_s: float,
) -> TimedForecast:
    """Build the per-moment forecast (see the module docstring). Each ringing call reaches a person
    with the chance Bayes gives from how long it has rung (a person-bound call survives that long by
    the ring curve, one bound to fail by an exponential of ``mean_fail_s``); ``wrap_left`` holds
    each wrapping operator's wrap-up left."""
    p = answer_rate
    survival, fail_survival = ring.survival_fast, fail.survival_fast
    points = ring.points
    grid, per_grid = ring.grid, _PER_GRID
    last = len(grid) - 1
    k_count = len(points)
    a_mean = [float(waiting)] * k_count
    a_var = [0.0] * k_count
    q_sum = 0.0
    q_var = 0.0
    for e in ringing_elapsed:
        s_e = survival(e) if e > 0.0 else 1.0
        person = p * s_e
        both = person + (1.0 - p) * (fail_survival(e) if e > 0.0 else 1.0)
        q = person / both if both > 0.0 else 0.0
        q_sum += q
        q_var += q * (1.0 - q)
        if s_e <= 1e-300 or q <= 0.0:
            continue
        r = q / s_e
        for k in range(k_count):
            x = e + points[k]
            i = int(x * per_grid)
            a = q - r * (grid[i] if i <= last else survival(x))
            a_mean[k] += a
            a_var[k] += a * (1.0 - a)
    gap_mean: list[float] = []
    gap_var: list[float] = []
    reach: list[float] = []
    free_total = free_var_total = 0.0
    horizons = [t + patience_s for t in points]
    talk_free = (
        talks.free_by_sums(talking_elapsed, [h - mean_wrap_s for h in horizons])
        if talks is not None and talking_elapsed
        else [(0.0, 0.0)] * k_count
    )
    for k in range(k_count):
        horizon = horizons[k]
        free = float(ready) + sum(1.0 for w in wrap_left if w <= horizon) + talk_free[k][0]
        variance = talk_free[k][1]
        free_total += free
        free_var_total += variance
        gap_mean.append(free - a_mean[k])
        gap_var.append(variance + a_var[k])
        reach.append((k + 0.5) / k_count)
    free_mean = free_total / k_count
    spread = sum((g + a - free_mean) ** 2 for g, a in zip(gap_mean, a_mean, strict=True)) / k_count
    return TimedForecast(
        tuple(gap_mean),
        tuple(gap_var),
        tuple(reach),
        free_mean,
        free_var_total / k_count,
        spread,
        q_sum,
        q_var,
    )
