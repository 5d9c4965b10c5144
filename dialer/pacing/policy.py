"""The pacing decision: how many calls to place now, as a pure function of a campaign snapshot.

Progressive places one call per ready operator not already covered by a ringing call. Predictive
counts the operators expected free by the time a call placed now reaches a person (its answer and
AMD's verdict; ready ones, those in wrap-up by their time left, those in talk by the chance their
talk, judged by the campaign's recent talk times and the time it has run, and wrap-up end in time),
takes away the people expected to answer among the calls already ringing, and places the calls that
fill that gap while keeping a safety distance, in standard deviations, between expected answers and
free operators (a normal approximation of the Poisson-binomial tail: see :mod:`dialer.pacing.risk`).
The distance shrinks as the abandons that still fit under the threshold (cap less margin) grow, so
the window's rate is steered up to the cap from below; once the rate reaches the threshold, while
fewer than two abandons fit under it (a cold window), or while the abandons the calls in flight may
still cause would leave less than one to spare, predictive
(and, at the threshold, fixed-ratio) dialing falls back to progressive. So does predictive with a
lone operator (nothing to pool) and with a small team (under ``small_team``) that progressive
already keeps within ``min_idle_share`` of the ceiling: abandons would buy nothing there (measured:
``benchmarks/pacing.py``, README "Benchmarks"). Predictive never places
fewer calls than progressive would (one per ready operator not covered): those calls cannot cause an
abandon. ``dial_ahead`` off (a profile rule) counts only ready operators and places nothing while
none is ready. Line and calls-per-second limits bound every mode. The IVR survey mode places a call
on every free line (within the calls-per-second limit): its questions need no operator.
"""

from __future__ import annotations

import math

from dialer.dialing_modes import MODES, DialMode, Pacing
from dialer.pacing.decision import Explanation, PacingDecision
from dialer.pacing.forecast import free_in_time_after_wrap, talk_survival
from dialer.pacing.inputs import CallStats, PacingInput
from dialer.pacing.risk import RiskTuning, expected_overflow, headroom, margin_gone, max_calls, safety_z

DEFAULT_TUNING = RiskTuning()
MIN_ANSWER_RATE = 0.01
TALK_PRIOR_WEIGHT = 30.0  # the prior talk-time curve weighs as this many observed talks


def decide(snapshot: PacingInput, tuning: RiskTuning = DEFAULT_TUNING) -> PacingDecision:
    """Decide how many new calls the campaign places now (see the module docstring)."""
    mode = snapshot.mode
    budget = snapshot.abandon
    ringing = len(snapshot.ringing_elapsed)
    in_flight = ringing + snapshot.waiting
    used, fallback = mode, False
    if (fallback_mode := MODES[mode].fallback) is not None and margin_gone(budget, tuning):
        used, fallback = fallback_mode, True  # a mode that may abandon more than its fallback
    traits = MODES[used]
    free = float(snapshot.ready)
    answers = float(in_flight)
    z = 0.0

    if traits.needs_operators and snapshot.logged_in == 0:
        wanted, why, reason = 0.0, "no_operators", "no operator logged in"
    elif traits.pacing is Pacing.EVERY_FREE_LINE:
        wanted, why, reason = _every_free_line(snapshot)
    elif traits.pacing is Pacing.OPERATOR_STARTS:
        wanted, why, reason = 0.0, "preview", "preview: the operator starts each call"
    elif not snapshot.dial_ahead and snapshot.ready == 0:
        wanted, why, reason = 0.0, "no_ready_operator", "no operator ready and dialing ahead not allowed"
    elif traits.pacing is Pacing.PREDICTIVE and (small := _small_team(snapshot, tuning)):
        used, wanted, why, reason = DialMode.PROGRESSIVE, float(snapshot.ready - in_flight), "model", small
    elif traits.pacing is Pacing.ONE_PER_READY:
        wanted = float(snapshot.ready - in_flight)
        why = "model"
        reason = (
            "abandon margin gone: progressive" if fallback else "progressive: one call per ready operator"
        )
    elif traits.pacing is Pacing.FIXED_RATIO:
        wanted = math.floor(snapshot.fixed_ratio * snapshot.ready + 1e-9) - float(in_flight)
        why, reason = "model", f"fixed ratio {snapshot.fixed_ratio:g} lines per ready operator"
    else:  # Pacing.PREDICTIVE
        wanted, free, answers, z, overflow = _predictive(snapshot, tuning)
        why, reason = "model", "predictive: fill expected free operators, keep the safety distance"
        if headroom(budget) - overflow + 1e-9 < tuning.min_headroom_in_flight:
            # the abandons the calls already in flight may still cause would use up the headroom
            used, wanted, reason = DialMode.PROGRESSIVE, 0.0, "abandon margin gone: progressive"
        if wanted < snapshot.ready - in_flight:  # never below progressive, which cannot abandon
            wanted, why = float(snapshot.ready - in_flight), "progressive_floor"

    calls = max(0, math.floor(wanted + 1e-9))
    lines_free = max(0, snapshot.limits.max_lines - snapshot.lines_in_use)
    if calls > lines_free:
        calls, why = lines_free, "lines"
    if calls > snapshot.limits.cps_tokens:
        calls, why = max(0, snapshot.limits.cps_tokens), "cps"

    explanation = Explanation(
        reason=reason,
        limited_by=why,
        answer_rate=snapshot.stats.answer_rate,
        ready=snapshot.ready,
        operators_expected_free=free,
        answers_expected_in_flight=answers,
        ringing=ringing,
        waiting=snapshot.waiting,
        abandon_rate=budget.rate,
        abandon_threshold=budget.threshold,
        abandon_cap=budget.cap,
        risk_z=z,
        lines_free=lines_free,
        cps_tokens=snapshot.limits.cps_tokens,
    )
    level = (in_flight + calls) / free if free > 0.0 else float(in_flight + calls)
    return PacingDecision(calls, level, mode, used, explanation)


def _every_free_line(snapshot: PacingInput) -> tuple[float, str, str]:
    """IVR survey: fill every free line (the recorded questions need no operator), unless the
    profile forbids dialing without an operator ready."""
    if not snapshot.dial_ahead:
        return 0.0, "no_ready_operator", "survey: the profile forbids dialing without an operator ready"
    free_lines = float(snapshot.limits.max_lines - snapshot.lines_in_use)
    return free_lines, "lines", "survey: one call per free line, no operator needed"


def progressive_idle_share(stats: CallStats) -> float:
    """The share of an operator's time progressive dialing leaves idle: waiting, after each wrap-up,
    for one line at a time to reach a person (a ring, after ``(1 - p) / p`` failed attempts on
    average). Predictive dialing can win back at most this share."""
    p = min(1.0, max(MIN_ANSWER_RATE, stats.answer_rate))
    wait = stats.mean_ring_s + (1.0 - p) / p * stats.mean_fail_s
    cycle = stats.mean_talk_s + stats.mean_wrap_s
    return wait / (cycle + wait) if cycle + wait > 0.0 else 0.0


def _small_team(snapshot: PacingInput, tuning: RiskTuning) -> str:
    """Why a small team dials progressive rather than predictive (empty: it does not)."""
    if snapshot.logged_in < tuning.min_operators:
        return "one operator: nothing to pool, progressive"
    idle = progressive_idle_share(snapshot.stats)
    if snapshot.logged_in < tuning.small_team and idle < tuning.min_idle_share:
        return "small team with progressive near the ceiling: progressive"
    return ""


def _predictive(snapshot: PacingInput, tuning: RiskTuning) -> tuple[float, float, float, float, float]:
    """Calls wanted, operators expected free, answers expected in flight, safety distance, and the
    abandons expected from the calls already in flight."""
    stats = snapshot.stats
    p = min(1.0, max(MIN_ANSWER_RATE, stats.answer_rate))
    ring, limit = stats.mean_ring_s, snapshot.connect_limit_s

    free = float(snapshot.ready)
    variance = 0.0
    if snapshot.dial_ahead:
        # A person is there AMD's verdict after the answer, and may then wait the connect limit.
        patience = limit + max(0.0, stats.mean_amd_s)
        for elapsed in snapshot.wrapping_elapsed:
            f = free_in_time_after_wrap(max(0.0, stats.mean_wrap_s - elapsed), ring, patience)
            free += f
            variance += f * (1.0 - f)
        if snapshot.talking_elapsed:
            talks = talk_survival(snapshot.recent_talk_s, stats.mean_talk_s, ring, TALK_PRIOR_WEIGHT)
            f_sum, f_var = talks.free_in_time_sum(snapshot.talking_elapsed, stats.mean_wrap_s - patience)
            free += f_sum
            variance += f_var

    answers = float(snapshot.waiting)
    # answer_probability of each ringing call, inlined: this loop runs on every decision
    person_rate, nobody_rate, exp = 1.0 / ring, 1.0 / stats.mean_fail_s, math.exp
    for elapsed in snapshot.ringing_elapsed:
        if elapsed <= 0.0:
            q = p
        else:
            person = p * exp(-elapsed * person_rate)
            both = person + (1.0 - p) * exp(-elapsed * nobody_rate)
            q = person / both if both > 0.0 else 0.0
        answers += q
        variance += q * (1.0 - q)

    z = safety_z(snapshot.abandon, tuning)
    wanted = max_calls(free - answers, variance, p, z)
    return wanted, free, answers, z, expected_overflow(free - answers, variance)
