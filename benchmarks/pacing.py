"""Pacing benchmark: a discrete-event simulation of an outbound shift driven by ``dialer.pacing.decide``.

The simulated campaign calls the very function the engine calls, on a 1 s tick and again on every
call or operator event, with a snapshot built the way the engine builds it and live statistics
estimated from the shift's own recent outcomes (cold start on a generic prior). Random numbers are
seeded per shift; the two policies see the same seeds.

Model, per placed call: with probability ``answer_rate`` a person answers after a gamma-distributed
ring time (shape 2, mean ``ring_s``: rarely under 2 s, a long right tail); otherwise the attempt ends
unanswered after a gamma time (shape 4, mean ``fail_s``); other shapes per set (``ring_shape``,
``fail_shape``; 1 is exponential). With ``amd`` the person is known as one only after AMD's verdict,
as the Asterisk captures show it: HUMAN after 1-1.8 s, NOTSURE (15%) after 4-5 s; the call counts as
waiting meanwhile, as in the engine. A person is put through at once to a ready operator, else waits
for the first operator to come free; not put through within the connect limit (2 s, from the
verdict) the call is abandoned. Talk is exponential with mean ``talk_s``, lognormal of the same mean
and spread (``lognormal``), or two lognormal modes (``mixture``: 70% short refusals of 0.3x the mean,
30% long conversations); wrap-up lasts ``wrap_s`` exactly. Operators are nailed up, so putting a
person through costs no ring time. The pacing model assumes exponential ring and failure times: the
gamma shapes here are a deliberate mismatch. The abandon budget is the shift's own (cap 3%, the
engine's default margin).

Reported per parameter set and policy, over all seeds: occupancy (talk time / logged-in time) as a
fraction of the ceiling T/(T+W) (mean over seeds, and the worst seed), the worst seed's abandon rate
(abandoned / answered by a person over the shift), and the 99th percentile of the delay from a
person (the answer, or AMD's verdict) to reaching an operator (connected calls, pooled over seeds;
abandoned calls never reach one and are counted in the abandon rate instead — the table also shows
the share of people put through within 2 s).

``--sweep`` runs worlds the policy was not tuned on (:func:`sweep_worlds`), predictive against
progressive on the same seeds, with the share of decisions where predictive fell back to
progressive.

Usage::

    python benchmarks/pacing.py                      # the 10 published sets x 30 seeds x 8 h
    python benchmarks/pacing.py --operators 20 --answer-rate 0.3 --talk 120 --seeds 5 --hours 1
    python benchmarks/pacing.py --file benchmarks/pacing_sets.toml
    python benchmarks/pacing.py --sweep --seeds 4 --hours 2
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import multiprocessing
import random
import sys
import time
import tomllib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dialer.engine.runner import RunnerSettings
from dialer.pacing import (
    DEFAULT_TUNING,
    AbandonBudget,
    CallStats,
    DialMode,
    LineLimits,
    PacingInput,
    RiskTuning,
    decide,
)
from dialer.pacing.estimation import smoothed_mean, smoothed_rate

PRIOR = CallStats(
    answer_rate=0.3, mean_ring_s=9.0, mean_fail_s=25.0, mean_talk_s=120.0, mean_wrap_s=10.0, mean_amd_s=1.3
)
PRIOR_WEIGHT = 30.0
RATE_WINDOW = 600  # attempts the answer rate is estimated over
MEAN_WINDOW = 200  # observations each mean is estimated over
TICK_S = 1.0
CONNECT_LIMIT_S = 2.0
CAP = 0.03  # the abandon cap every shift is held to
LOGNORMAL_SIGMA = math.sqrt(math.log(2.0))  # talk's coefficient of variation 1, as exponential
RING_SHAPE = 2.0  # gamma shape of a person's ring-to-answer time
FAIL_SHAPE = 4.0  # gamma shape of an unanswered attempt's duration
CPS = 20  # calls per second the simulated server allows
ABANDON_MARGIN = RunnerSettings().abandon_margin  # the engine's default margin under the cap
# AMD verdicts on a person, as the Asterisk captures show them (asterisk-traces, part 2): HUMAN after
# the greeting and 0.8 s of silence (1.3 s seen), NOTSURE when the person talks on (TOOLONG, 4-5 s).
AMD_HUMAN_S = (1.0, 1.8)
AMD_NOTSURE_S = (4.0, 5.0)
AMD_NOTSURE_SHARE = 0.15
MIXTURE_SHORT_SHARE = 0.7  # two-mode talk: most calls are short refusals, the rest long conversations
MIXTURE_SHORT_MEAN = 0.3  # the short mode's mean, as a share of the overall mean
MIXTURE_SIGMA = 0.5  # each mode lognormal with this spread
ON_EVENTS = True  # decide again on every call or operator event, not only on the 1 s tick
POLICIES = (DialMode.PROGRESSIVE, DialMode.PREDICTIVE)

# Events, in the order they are processed when simultaneous.
TICK, ANSWER, VERDICT, FAIL, TALK_END, WRAP_END, GIVE_UP = range(7)


@dataclass(frozen=True, slots=True)
class ParameterSet:
    """One shift's conditions."""

    operators: int
    answer_rate: float
    talk_s: float
    wrap_s: float = 10.0
    ring_s: float = 9.0
    fail_s: float = 25.0
    hours: float = 8.0
    talk_dist: str = "exponential"  # or "lognormal" (coefficient of variation 1), or "mixture"
    ring_shape: float = RING_SHAPE  # gamma shape of the ring time (1: exponential)
    fail_shape: float = FAIL_SHAPE  # gamma shape of an unanswered attempt (1: exponential)
    amd: bool = False  # a person is known as one only after AMD's verdict (1-1.8 s, or 4-5 s)

    @property
    def ceiling(self) -> float:
        """The best occupancy possible: every moment outside wrap-up spent talking."""
        return self.talk_s / (self.talk_s + self.wrap_s)


@dataclass(slots=True)
class ShiftResult:
    """One seed's shift."""

    talk_s: float = 0.0
    logged_in_s: float = 0.0
    answered: int = 0
    abandoned: int = 0
    placed: int = 0
    decisions: int = 0
    fell_back: int = 0  # decisions where predictive dialed as progressive
    delays: list[float] = field(default_factory=list)


class _Window:
    """A running sum and count over the last ``size`` observations."""

    __slots__ = ("count", "items", "size", "total")

    def __init__(self, size: int) -> None:
        self.items: deque[float] = deque()
        self.size = size
        self.total = 0.0
        self.count = 0

    def add(self, value: float) -> None:
        self.items.append(value)
        self.total += value
        self.count += 1
        if self.count > self.size:
            self.total -= self.items.popleft()
            self.count -= 1


class _Estimates:
    """Live statistics from the shift's recent outcomes, as the engine would keep them."""

    def __init__(self) -> None:
        self.outcomes = _Window(RATE_WINDOW)  # 1.0 answered by a person, 0.0 not
        self.ring = _Window(MEAN_WINDOW)
        self.fail = _Window(MEAN_WINDOW)
        self.talk = _Window(MEAN_WINDOW)
        self.wrap = _Window(MEAN_WINDOW)
        self.amd = _Window(MEAN_WINDOW)
        self.stats = PRIOR

    def refresh(self) -> None:
        o = self.outcomes
        self.stats = CallStats(
            answer_rate=smoothed_rate(round(o.total), o.count, PRIOR.answer_rate, PRIOR_WEIGHT),
            mean_ring_s=smoothed_mean(self.ring.total, self.ring.count, PRIOR.mean_ring_s, PRIOR_WEIGHT),
            mean_fail_s=smoothed_mean(self.fail.total, self.fail.count, PRIOR.mean_fail_s, PRIOR_WEIGHT),
            mean_talk_s=smoothed_mean(self.talk.total, self.talk.count, PRIOR.mean_talk_s, PRIOR_WEIGHT),
            mean_wrap_s=smoothed_mean(self.wrap.total, self.wrap.count, PRIOR.mean_wrap_s, PRIOR_WEIGHT),
            mean_amd_s=smoothed_mean(self.amd.total, self.amd.count, PRIOR.mean_amd_s, PRIOR_WEIGHT),
        )


def simulate(
    params: ParameterSet,
    policy: DialMode,
    seed: int,
    tuning: RiskTuning = DEFAULT_TUNING,
    on_events: bool = ON_EVENTS,
    margin: float = ABANDON_MARGIN,
) -> ShiftResult:
    """Run one shift; return its occupancy, abandon and connect-delay figures."""
    rng = random.Random(seed)
    end = params.hours * 3600.0
    result = ShiftResult(logged_in_s=params.operators * end)
    est = _Estimates()
    limits_lines = 4 * params.operators + 10

    events: list[tuple[float, int, int, int]] = []
    seq = itertools.count()
    ready: list[int] = list(range(params.operators))
    talking: dict[int, float] = {}  # operator -> talk start
    wrapping: dict[int, float] = {}  # operator -> wrap start
    ringing: dict[int, float] = {}  # call -> placed at
    in_amd: set[int] = set()  # answered, AMD's verdict not yet in (the engine counts them as waiting)
    waiting: dict[int, float] = {}  # call -> a person since (insertion order = arrival order)
    call_ids = itertools.count()

    talk_mu = math.log(params.talk_s) - LOGNORMAL_SIGMA**2 / 2
    short_mean = MIXTURE_SHORT_MEAN * params.talk_s
    long_mean = (params.talk_s - MIXTURE_SHORT_SHARE * short_mean) / (1.0 - MIXTURE_SHORT_SHARE)

    def start_talk(op: int, now: float) -> None:
        if params.talk_dist == "lognormal":
            length = rng.lognormvariate(talk_mu, LOGNORMAL_SIGMA)
        elif params.talk_dist == "mixture":
            short = rng.random() < MIXTURE_SHORT_SHARE
            mean = short_mean if short else long_mean
            length = rng.lognormvariate(math.log(mean) - MIXTURE_SIGMA**2 / 2, MIXTURE_SIGMA)
        else:
            length = rng.expovariate(1.0 / params.talk_s)
        talking[op] = now
        result.talk_s += min(now + length, end) - now
        heapq.heappush(events, (now + length, TALK_END, next(seq), op))

    answered_at: dict[int, float] = {}

    def person(call: int, now: float) -> None:
        """A person is on the line (AMD said so): put through now, or wait the connect limit."""
        if ready:
            result.delays.append(0.0)
            start_talk(ready.pop(), now)
        else:
            waiting[call] = now
            heapq.heappush(events, (now + CONNECT_LIMIT_S, GIVE_UP, next(seq), call))

    bucket = {"tokens": float(CPS), "at": 0.0}

    def pace(now: float) -> None:
        """Take the snapshot the engine would take, ask the pacing function, place the calls."""
        bucket["tokens"] = min(float(CPS), bucket["tokens"] + (now - bucket["at"]) * CPS)
        bucket["at"] = now
        snapshot = PacingInput(
            mode=policy,
            ready=len(ready),
            talking_elapsed=tuple([now - s for s in talking.values()]),
            wrapping_elapsed=tuple([now - s for s in wrapping.values()]),
            ringing_elapsed=tuple([now - s for s in ringing.values()]),
            waiting=len(waiting) + len(in_amd),
            stats=est.stats,
            abandon=AbandonBudget(
                answered=result.answered, abandoned=result.abandoned, cap=CAP, margin=margin
            ),
            limits=LineLimits(max_lines=limits_lines, cps_tokens=int(bucket["tokens"])),
            connect_limit_s=CONNECT_LIMIT_S,
            recent_talk_s=tuple(est.talk.items),
        )
        decision = decide(snapshot, tuning)
        calls = decision.calls
        result.decisions += 1
        result.fell_back += decision.fell_back
        bucket["tokens"] -= calls
        for _ in range(calls):
            call = next(call_ids)
            ringing[call] = now
            result.placed += 1
            if rng.random() < params.answer_rate:
                at = now + rng.gammavariate(params.ring_shape, params.ring_s / params.ring_shape)
                heapq.heappush(events, (at, ANSWER, next(seq), call))
            else:
                at = now + rng.gammavariate(params.fail_shape, params.fail_s / params.fail_shape)
                heapq.heappush(events, (at, FAIL, next(seq), call))

    heapq.heappush(events, (0.0, TICK, next(seq), 0))
    while events:
        now, kind, _, ref = heapq.heappop(events)
        if now >= end:
            break
        if kind == TICK:
            pace(now)
            heapq.heappush(events, (now + TICK_S, TICK, next(seq), 0))
            continue
        if kind == ANSWER:
            placed = ringing.pop(ref)
            est.outcomes.add(1.0)
            est.ring.add(now - placed)
            est.refresh()
            result.answered += 1
            if params.amd:
                notsure = rng.random() < AMD_NOTSURE_SHARE
                in_amd.add(ref)
                answered_at[ref] = now
                at = now + rng.uniform(*(AMD_NOTSURE_S if notsure else AMD_HUMAN_S))
                heapq.heappush(events, (at, VERDICT, next(seq), ref))
            else:
                est.amd.add(0.0)
                person(ref, now)
        elif kind == VERDICT:
            in_amd.discard(ref)
            est.amd.add(now - answered_at.pop(ref))
            est.refresh()
            person(ref, now)
        elif kind == FAIL:
            placed = ringing.pop(ref)
            est.outcomes.add(0.0)
            est.fail.add(now - placed)
            est.refresh()
        elif kind == TALK_END:
            est.talk.add(now - talking.pop(ref))
            wrapping[ref] = now
            heapq.heappush(events, (now + params.wrap_s, WRAP_END, next(seq), ref))
        elif kind == WRAP_END:
            est.wrap.add(now - wrapping.pop(ref))
            if waiting:
                call = next(iter(waiting))
                result.delays.append(now - waiting.pop(call))
                start_talk(ref, now)
            else:
                ready.append(ref)
        elif kind == GIVE_UP and waiting.pop(ref, None) is not None:
            result.abandoned += 1
        if on_events:
            pace(now)
    return result


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Summary:
    """A parameter set and policy over all its seeds."""

    params: ParameterSet
    policy: DialMode
    occupancy_of_ceiling: float
    occupancy_of_ceiling_min: float
    abandon_rate_max: float
    abandon_rate_mean: float
    connect_delay_p99_s: float
    put_through_share: float
    calls_per_operator_hour: float
    fell_back_share: float

    def as_json(self) -> dict[str, object]:
        return {
            "operators": self.params.operators,
            "answer_rate": round(self.params.answer_rate, 4),
            "talk_s": self.params.talk_s,
            "world": describe(self.params),
            "policy": str(self.policy),
            "occupancy_of_ceiling": round(self.occupancy_of_ceiling, 4),
            "occupancy_of_ceiling_min": round(self.occupancy_of_ceiling_min, 4),
            "abandon_rate_max": round(self.abandon_rate_max, 5),
            "connect_delay_p99_s": round(self.connect_delay_p99_s, 3),
        }


def summarize(params: ParameterSet, policy: DialMode, shifts: Sequence[ShiftResult]) -> Summary:
    occupancies = [s.talk_s / s.logged_in_s / params.ceiling for s in shifts]
    abandons = [s.abandoned / s.answered if s.answered else 0.0 for s in shifts]
    delays = [d for s in shifts for d in s.delays]
    answered = sum(s.answered for s in shifts)
    return Summary(
        params=params,
        policy=policy,
        occupancy_of_ceiling=sum(occupancies) / len(occupancies),
        occupancy_of_ceiling_min=min(occupancies),
        abandon_rate_max=max(abandons),
        abandon_rate_mean=sum(abandons) / len(abandons),
        connect_delay_p99_s=percentile(delays, 0.99),
        put_through_share=len(delays) / answered if answered else 1.0,
        calls_per_operator_hour=sum(s.placed for s in shifts) / len(shifts) / params.operators / params.hours,
        fell_back_share=sum(s.fell_back for s in shifts) / max(1, sum(s.decisions for s in shifts)),
    )


def _run(task: tuple[ParameterSet, DialMode, int]) -> tuple[ParameterSet, DialMode, ShiftResult]:
    params, policy, seed = task
    return params, policy, simulate(params, policy, seed)


def run_all(sets: Sequence[ParameterSet], seeds: int, jobs: int) -> list[Summary]:
    """Every set x policy x seed, across ``jobs`` processes; one summary per set and policy."""
    tasks = [(p, pol, seed) for p in sets for pol in POLICIES for seed in range(seeds)]
    done: dict[tuple[ParameterSet, DialMode], list[ShiftResult]] = {}
    if jobs > 1:
        with multiprocessing.Pool(jobs) as pool:
            outcomes: Iterable[tuple[ParameterSet, DialMode, ShiftResult]] = pool.imap(
                _run, tasks, chunksize=1
            )
            for params, policy, shift in outcomes:
                done.setdefault((params, policy), []).append(shift)
    else:
        for params, policy, shift in map(_run, tasks):
            done.setdefault((params, policy), []).append(shift)
    return [summarize(p, pol, done[(p, pol)]) for p in sets for pol in POLICIES]


def published_sets(hours: float) -> list[ParameterSet]:
    """Live-answer rate 1/3 and 0.2, talk 90 s and 180 s, 20 and 50 operators, and 100 operators
    with 90 s talks (wrap 10 s, ring 9 s, failed attempt 25 s)."""
    return [
        ParameterSet(operators=n, answer_rate=a, talk_s=t, hours=hours)
        for n in (20, 50, 100)
        for a in (1 / 3, 0.2)
        for t in ((90.0,) if n == 100 else (90.0, 180.0))
    ]


def sweep_worlds(hours: float) -> list[ParameterSet]:
    """Worlds the policy was not tuned on: answer rates 0.05-0.6, 5-200 operators, mean talk 30 s to
    15 min, exponential, lognormal and two-mode talk times, exponential or gamma ring and failure
    times of other shapes and means, other wrap-ups, AMD verdict delays."""
    w = ParameterSet
    return [
        w(5, 0.3, 120.0, hours=hours),
        w(5, 0.6, 30.0, ring_shape=1.0, hours=hours),
        w(8, 0.05, 60.0, talk_dist="mixture", amd=True, hours=hours),
        w(10, 0.15, 900.0, talk_dist="lognormal", hours=hours),
        w(15, 0.35, 240.0, talk_dist="lognormal", amd=True, hours=hours),
        w(20, 0.6, 30.0, ring_shape=1.0, fail_shape=1.0, hours=hours),
        w(30, 0.3, 90.0, wrap_s=5.0, ring_s=15.0, fail_s=35.0, talk_dist="mixture", amd=True, hours=hours),
        w(40, 0.1, 300.0, talk_dist="mixture", amd=True, hours=hours),
        w(50, 0.45, 45.0, talk_dist="mixture", fail_shape=1.0, hours=hours),
        w(75, 0.2, 30.0, wrap_s=20.0, amd=True, hours=hours),
        w(100, 0.25, 180.0, talk_dist="lognormal", ring_shape=4.0, amd=True, hours=hours),
        w(200, 0.15, 300.0, talk_dist="mixture", amd=True, hours=hours),
        w(200, 0.5, 600.0, ring_s=6.0, fail_s=40.0, hours=hours),
    ]


def describe(p: ParameterSet) -> str:
    """A world in a few words, for the sweep's table."""
    extra = [p.talk_dist[:4]]
    if p.ring_shape != RING_SHAPE or p.ring_s != 9.0:
        extra.append(f"ring {p.ring_s:g}s/k{p.ring_shape:g}")
    if p.fail_shape != FAIL_SHAPE or p.fail_s != 25.0:
        extra.append(f"fail {p.fail_s:g}s/k{p.fail_shape:g}")
    if p.wrap_s != 10.0:
        extra.append(f"wrap {p.wrap_s:g}s")
    if p.amd:
        extra.append("AMD")
    return " ".join(extra)


def render_sweep(summaries: Sequence[Summary], seeds: int, hours: float, elapsed: float) -> str:
    """One line per world: predictive against progressive on the same seeds."""
    head = (
        f"{'ops':>4} {'answer':>6} {'talk':>5} {'world':<46} {'progr.':>6} {'predictive':>10} {'min':>6} "
        f"{'abandon max':>11} {'p99 delay':>9} {'fell back':>9}  verdict"
    )
    lines = [
        f"pacing sweep: {seeds} seed(s) x {hours:g} h per world and policy, {elapsed:.0f} s wall",
        head,
        "-" * len(head),
    ]
    by = {(s.params, s.policy): s for s in summaries}
    for p in dict.fromkeys(s.params for s in summaries):
        prog, pred = by[(p, DialMode.PROGRESSIVE)], by[(p, DialMode.PREDICTIVE)]
        gain = pred.occupancy_of_ceiling - prog.occupancy_of_ceiling
        verdict = "beats progressive" if gain > 0.005 else "as progressive"
        if pred.abandon_rate_max > CAP:
            verdict = "OVER THE CAP"
        lines.append(
            f"{p.operators:>4} {p.answer_rate:>6.2f} {p.talk_s:>5.0f} {describe(p):<46} "
            f"{prog.occupancy_of_ceiling:>6.3f} {pred.occupancy_of_ceiling:>10.3f} "
            f"{pred.occupancy_of_ceiling_min:>6.3f} {pred.abandon_rate_max:>11.4f} "
            f"{pred.connect_delay_p99_s:>8.2f}s {pred.fell_back_share:>9.2f}  {verdict}"
        )
    return "\n".join(lines)


def sets_from_file(path: Path) -> list[ParameterSet]:
    """``[[set]]`` tables of a TOML file (or a JSON list of objects) with ParameterSet's fields."""
    text = path.read_text()
    rows = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)["set"]
    return [ParameterSet(**row) for row in rows]


def sets_from_args(args: argparse.Namespace) -> list[ParameterSet]:
    if args.file:
        return sets_from_file(Path(args.file))
    if not (args.operators or args.answer_rate or args.talk):
        return published_sets(args.hours)
    return [
        ParameterSet(
            operators=n,
            answer_rate=a,
            talk_s=t,
            wrap_s=args.wrap,
            ring_s=args.ring,
            fail_s=args.fail,
            talk_dist=args.talk_dist,
            amd=args.amd,
            hours=args.hours,
        )
        for n in (args.operators or [20])
        for a in (args.answer_rate or [1 / 3])
        for t in (args.talk or [90.0])
    ]


def render(summaries: Sequence[Summary], seeds: int, elapsed: float) -> str:
    head = (
        f"{'ops':>4} {'answer':>6} {'talk':>5} {'hours':>5} {'policy':<12} {'occ/ceil':>8} {'min':>6} "
        f"{'abandon max':>11} {'mean':>7} {'p99 delay':>9} {'through':>8} {'calls/op·h':>10}"
    )
    lines = [
        f"pacing benchmark: {seeds} seed(s) per set and policy, {elapsed:.0f} s wall",
        head,
        "-" * len(head),
    ]
    for s in summaries:
        p = s.params
        lines.append(
            f"{p.operators:>4} {p.answer_rate:>6.3f} {p.talk_s:>5.0f} {p.hours:>5g} {s.policy!s:<12} "
            f"{s.occupancy_of_ceiling:>8.3f} {s.occupancy_of_ceiling_min:>6.3f} {s.abandon_rate_max:>11.4f} "
            f"{s.abandon_rate_mean:>7.4f} {s.connect_delay_p99_s:>8.2f}s {s.put_through_share:>8.4f} "
            f"{s.calls_per_operator_hour:>10.1f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--operators", type=int, nargs="+")
    parser.add_argument("--answer-rate", type=float, nargs="+")
    parser.add_argument("--talk", type=float, nargs="+", help="mean talk seconds")
    parser.add_argument("--wrap", type=float, default=10.0)
    parser.add_argument("--ring", type=float, default=9.0, help="mean ring seconds before a person answers")
    parser.add_argument("--fail", type=float, default=25.0, help="mean seconds of an unanswered attempt")
    parser.add_argument("--hours", type=float, help="shift length (8; the sweep: 2)")
    parser.add_argument("--talk-dist", choices=("exponential", "lognormal", "mixture"), default="exponential")
    parser.add_argument("--amd", action="store_true", help="a person is known only after AMD's verdict")
    parser.add_argument("--seeds", type=int, help="seeds per set and policy (30; the sweep: 4)")
    parser.add_argument("--sweep", action="store_true", help="the worlds the policy was not tuned on")
    parser.add_argument("--file", help="TOML ([[set]] tables) or JSON list of parameter sets")
    parser.add_argument("--jobs", type=int, default=2, choices=(1, 2))
    args = parser.parse_args(argv)

    if args.sweep:
        hours, seeds = args.hours or 2.0, args.seeds or 4
        started = time.perf_counter()
        summaries = run_all(sweep_worlds(hours), seeds, args.jobs)
        print(render_sweep(summaries, seeds, hours, time.perf_counter() - started))
        print(json.dumps({"sweep": [s.as_json() for s in summaries]}))
        return 0
    args.hours, args.seeds = args.hours or 8.0, args.seeds or 30
    sets = sets_from_args(args)
    started = time.perf_counter()
    summaries = run_all(sets, args.seeds, args.jobs)
    print(render(summaries, args.seeds, time.perf_counter() - started))
    print(json.dumps({"results": [s.as_json() for s in summaries]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
