"""Pacing: how many calls a campaign places now, decided purely from its live statistics.

The same :func:`decide` runs in the engine's pacing loop and in ``benchmarks/pacing.py``.
"""

from dialer.dialing_modes import DialMode
from dialer.pacing.decision import Explanation, PacingDecision
from dialer.pacing.estimation import CallOutcome, estimate_stats, ewma, smoothed_mean, smoothed_rate
from dialer.pacing.inputs import AbandonBudget, CallStats, LineLimits, PacingInput
from dialer.pacing.policy import DEFAULT_TUNING, decide
from dialer.pacing.risk import RiskTuning

__all__ = [
    "DEFAULT_TUNING",
    "AbandonBudget",
    "CallOutcome",
    "CallStats",
    "DialMode",
    "Explanation",
    "LineLimits",
    "PacingDecision",
    "PacingInput",
    "RiskTuning",
    "decide",
    "estimate_stats",
    "ewma",
    "smoothed_mean",
    "smoothed_rate",
]
