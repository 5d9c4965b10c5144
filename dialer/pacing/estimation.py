"""Turning recent call outcomes into the rates and means pacing uses, with a prior for a cold start.

A campaign's first minutes have few outcomes; each estimate is shrunk toward a prior (the campaign's
configured or historical figure) that weighs as ``prior_weight`` observations, and moves to the
observed value as outcomes accumulate. The engine keeps a window of recent outcomes (e.g. the last
few hundred calls) so the estimates follow the list and the time of day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dialer.pacing.inputs import CallStats


def smoothed_rate(successes: int, trials: int, prior_rate: float, prior_weight: float) -> float:
    """Posterior mean of a rate under a Beta prior centred on ``prior_rate``."""
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError("need 0 <= successes <= trials")
    if prior_weight <= 0.0 and trials == 0:
        return prior_rate
    return (successes + prior_rate * prior_weight) / (trials + prior_weight)


def smoothed_mean(total: float, count: int, prior_mean: float, prior_weight: float) -> float:
    """Mean of ``count`` observations summing to ``total``, shrunk toward ``prior_mean``."""
    if count < 0:
        raise ValueError("count must not be negative")
    if prior_weight <= 0.0 and count == 0:
        return prior_mean
    return (total + prior_mean * prior_weight) / (count + prior_weight)


def ewma(previous: float, sample: float, alpha: float) -> float:
    """Exponentially weighted moving average step (``alpha`` in (0, 1], the weight of the sample)."""
    if not 0.0 < alpha <= 1.0:
        raise ValueError("alpha must be in (0, 1]")
    return previous + alpha * (sample - previous)


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """One finished attempt: how long it rang and, if a person answered, its talk and wrap-up, and
    how long after the answer AMD said a person was there (``amd_s``)."""

    answered_by_person: bool
    ring_s: float
    talk_s: float | None = None
    wrap_s: float | None = None
    amd_s: float | None = None


def estimate_stats(
    outcomes: Iterable[CallOutcome], prior: CallStats, prior_weight: float = 30.0
) -> CallStats:
    """Live :class:`CallStats` from recent outcomes, each figure shrunk toward ``prior``."""
    trials = answered = talks = wraps = verdicts = 0
    ring = fail = talk = wrap = amd = 0.0
    for o in outcomes:
        trials += 1
        if o.answered_by_person:
            answered += 1
            ring += o.ring_s
            if o.talk_s is not None:
                talks += 1
                talk += o.talk_s
            if o.wrap_s is not None:
                wraps += 1
                wrap += o.wrap_s
            if o.amd_s is not None:
                verdicts += 1
                amd += o.amd_s
        else:
            fail += o.ring_s
    return CallStats(
        answer_rate=smoothed_rate(answered, trials, prior.answer_rate, prior_weight),
        mean_ring_s=smoothed_mean(ring, answered, prior.mean_ring_s, prior_weight),
        mean_fail_s=smoothed_mean(fail, trials - answered, prior.mean_fail_s, prior_weight),
        mean_talk_s=smoothed_mean(talk, talks, prior.mean_talk_s, prior_weight),
        mean_wrap_s=smoothed_mean(wrap, wraps, prior.mean_wrap_s, prior_weight),
        mean_amd_s=smoothed_mean(amd, verdicts, prior.mean_amd_s, prior_weight),
    )
