"""Short-horizon forecasts: will a ringing call be answered, will a busy operator be free in time?

The model is deliberately simple and closed-form so the decision stays cheap enough to run every
second per campaign: a person answers after an exponential ring time (mean ``mean_ring_s``), an
attempt that reaches nobody ends after an exponential time (mean ``mean_fail_s``), and wrap-up lasts
``mean_wrap_s``. How long a talk lasts comes from the campaign's recent talk times
(:class:`TalkSurvival`: their empirical curve, shrunk toward an exponential of the mean on a cold
start), so the time a talk has already run tells how soon it is likely to end. "In time" means by
the moment a call placed now reaches a person (its answer plus AMD's verdict delay), plus the connect
limit that a person may wait for an operator.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass


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


@dataclass(frozen=True, slots=True)
class TalkSurvival:
    """How long talks last, from recent ones: an empirical survival curve shrunk toward a prior.

    The distribution is the mixture of the ``n`` recent talk times (weight ``n / (n + w)``) and an
    exponential of mean ``prior_mean_s`` (weight ``w / (n + w)``): on a cold start it is the old
    memoryless model, and as talks are observed it becomes their own shape (many short refusals,
    a few long conversations). Built once per decision, then asked once per talking operator in
    O(log n): with the new call's ring time exponential (mean ``mean_ring_s``), every expectation
    over it is a closed form over the sorted sample (``_tail``: suffix sums of
    ``exp(-(t_i - t_k) / ring)``, written so nothing overflows).
    """

    times: tuple[float, ...]  # sorted
    tail: tuple[float, ...]  # tail[k] = sum over i >= k of exp(-(t_i - t_k) / ring)
    weight: float  # share of the empirical part, n / (n + w)
    prior_mean_s: float
    mean_ring_s: float

    @classmethod
    def of(
        cls, recent_s: tuple[float, ...], prior_mean_s: float, mean_ring_s: float, prior_weight: float
    ) -> TalkSurvival:
        times = tuple(sorted(t for t in recent_s if t >= 0.0))
        tail = [0.0] * len(times)
        acc = 0.0
        for k in range(len(times) - 1, -1, -1):
            if k + 1 < len(times):
                acc *= math.exp(-(times[k + 1] - times[k]) / mean_ring_s)
            acc += 1.0
            tail[k] = acc
        n = len(times)
        weight = n / (n + prior_weight) if n + prior_weight > 0.0 else 0.0
        return cls(times, tuple(tail), weight, max(prior_mean_s, 1e-9), mean_ring_s)

    def _survival(self, x: float) -> tuple[float, float]:
        """``S(x) = P(T > x)`` and ``G(x) = E[S(x + R)]`` over the new call's ring time ``R``."""
        m, ring = self.prior_mean_s, self.mean_ring_s
        prior_s = math.exp(-x / m) if x > 0.0 else 1.0
        prior_g = prior_s * m / (m + ring)
        if self.weight <= 0.0:
            return prior_s, prior_g
        n = len(self.times)
        k = bisect.bisect_right(self.times, x)
        if k < n:
            emp_s = (n - k) / n
            emp_g = emp_s - math.exp(-(self.times[k] - x) / ring) * self.tail[k] / n
        else:
            emp_s = emp_g = 0.0
        w = self.weight
        return w * emp_s + (1.0 - w) * prior_s, w * emp_g + (1.0 - w) * prior_g

    def free_in_time(self, elapsed_s: float, late_by_s: float) -> float:
        """Probability an operator ``elapsed_s`` into a talk is free when a call placed now reaches
        a person: ``P(T - elapsed + late_by <= R | T > elapsed)``, where ``late_by_s`` is what the
        operator needs after the talk beyond the person's patience (wrap-up less the AMD verdict
        delay and the connect limit; negative when the person may wait longer than the wrap-up).
        """
        e = max(0.0, elapsed_s)
        s_e, g_e = self._survival(e)
        if s_e <= 1e-300:  # beyond anything seen and the prior's reach: memoryless
            return free_in_time_after_talk(self.prior_mean_s, late_by_s, self.mean_ring_s, 0.0)
        if late_by_s > 0.0:
            return math.exp(-late_by_s / self.mean_ring_s) * max(0.0, 1.0 - g_e / s_e)
        _, g_x = self._survival(e - late_by_s)
        return min(1.0, max(0.0, 1.0 - g_x / s_e))

    def free_in_time_sum(self, elapsed: Iterable[float], late_by_s: float) -> tuple[float, float]:
        """``free_in_time`` summed over operators, with the sum of its variances ``f(1 - f)``: the
        same figures in one loop (it runs for every talking operator on every decision)."""
        times, tail, n = self.times, self.tail, len(self.times)
        w, m, ring = self.weight, self.prior_mean_s, self.mean_ring_s
        pw, gw = 1.0 - w, m / (m + ring)
        wn = w / n if n else 0.0
        exp, bisect_right = math.exp, bisect.bisect_right
        factor = exp(-late_by_s / ring) if late_by_s > 0.0 else 1.0
        shift = -late_by_s if late_by_s < 0.0 else 0.0
        total = variance = 0.0
        for e in elapsed:
            e = e if e > 0.0 else 0.0
            # S(e) and G(e) (late) or G(e + shift) (early), the empirical part and the prior's
            ps = exp(-e / m)
            k = bisect_right(times, e) if n else 0
            s_e = pw * ps + (wn * (n - k) if k < n else 0.0)
            if s_e <= 1e-300:
                f = self.free_in_time(e, late_by_s)
            else:
                x = e + shift
                if shift:
                    px = exp(-x / m)
                    k = bisect_right(times, x) if n else 0
                else:
                    px = ps
                g = pw * px * gw
                if k < n:
                    g += wn * ((n - k) - exp(-(times[k] - x) / ring) * tail[k])
                f = factor * (1.0 - g / s_e)
                f = 0.0 if f < 0.0 else 1.0 if f > 1.0 else f
            total += f
            variance += f * (1.0 - f)
        return total, variance


@functools.lru_cache(maxsize=8)
def talk_survival(
    recent_s: tuple[float, ...], prior_mean_s: float, mean_ring_s: float, prior_weight: float
) -> TalkSurvival:
    """:meth:`TalkSurvival.of`, remembered for the last few samples: between two talk ends and two
    answers, every decision of a campaign asks for the same curve."""
    return TalkSurvival.of(recent_s, prior_mean_s, mean_ring_s, prior_weight)
