"""What the pacing decision is made from: a snapshot of one campaign's live statistics.

Everything here is a plain frozen value. Durations are seconds (floats); the snapshot carries no
clock: elapsed times are measured by the caller at the moment it takes the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dialer.dialing_modes import DialMode


@dataclass(frozen=True, slots=True)
class CallStats:
    """Live call statistics of a campaign (estimates; see :mod:`dialer.pacing.estimation`).

    ``answer_rate`` is the probability that a placed call is answered by a person (after AMD);
    ``mean_ring_s`` the mean time from placing a call to a person answering it; ``mean_fail_s`` the
    mean duration of an attempt that reaches nobody (no answer, busy, unreachable, machine);
    ``mean_amd_s`` the mean time from the answer to AMD's verdict that a person is there (about
    1.3 s for HUMAN on Asterisk's defaults, 4-5 s for NOTSURE; 0 without AMD): the connect limit
    counts from the verdict, so operators have that much longer to come free.
    """

    answer_rate: float = 0.3
    mean_ring_s: float = 9.0
    mean_fail_s: float = 25.0
    mean_talk_s: float = 120.0
    mean_wrap_s: float = 10.0
    mean_amd_s: float = 0.0


@dataclass(frozen=True, slots=True)
class AbandonBudget:
    """The abandon rate so far over the compliance window, against its cap.

    ``answered`` counts calls answered by a person, ``abandoned`` those of them not put through to
    an operator within the connect limit. Predictive dialing needs the rate to stay below
    ``cap - margin``; once it reaches that line the margin is gone and pacing falls back.
    """

    answered: int = 0
    abandoned: int = 0
    cap: float = 0.03
    margin: float = 0.0

    @property
    def rate(self) -> float:
        """Abandoned / answered by a person (0 before the first answer)."""
        return self.abandoned / self.answered if self.answered else 0.0

    @property
    def threshold(self) -> float:
        """The rate at which predictive dialing stops: the cap less the safety margin."""
        return max(0.0, self.cap - self.margin)


@dataclass(frozen=True, slots=True)
class LineLimits:
    """Capacity for new calls: ``max_lines`` for the campaign/trunk (customer channels: ringing,
    waiting and talking), and ``cps_tokens``, the calls the server's calls-per-second limiter
    allows right now."""

    max_lines: int = 1_000
    cps_tokens: int = 1_000


@dataclass(frozen=True, slots=True)
class PacingInput:
    """One campaign's state at the moment of the decision.

    ``talking_elapsed`` and ``wrapping_elapsed`` hold, per busy operator, the seconds since their
    talk or wrap-up began; ``ringing_elapsed`` holds, per placed call not answered yet, the seconds
    since it was placed; ``waiting`` counts people answered and waiting for an operator now.
    ``dial_ahead`` False forbids placing calls while no operator is ready (a profile rule).
    ``recent_talk_s`` holds the campaign's recent finished talk times (any order): their shape,
    not only their mean, tells how soon each talking operator is likely to be free.
    """

    mode: DialMode
    ready: int
    talking_elapsed: tuple[float, ...] = ()
    wrapping_elapsed: tuple[float, ...] = ()
    ringing_elapsed: tuple[float, ...] = ()
    waiting: int = 0
    stats: CallStats = field(default_factory=CallStats)
    abandon: AbandonBudget = field(default_factory=AbandonBudget)
    limits: LineLimits = field(default_factory=LineLimits)
    fixed_ratio: float = 1.0
    connect_limit_s: float = 2.0
    dial_ahead: bool = True
    recent_talk_s: tuple[float, ...] = ()

    @property
    def logged_in(self) -> int:
        """Operators on the campaign who take calls (ready, talking or wrapping up)."""
        return self.ready + len(self.talking_elapsed) + len(self.wrapping_elapsed)

    @property
    def lines_in_use(self) -> int:
        """Customer channels open now: ringing, waiting for an operator, or talking."""
        return len(self.ringing_elapsed) + self.waiting + len(self.talking_elapsed)
