"""What the pacing decision says, and why: explainable pacing for the log and the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from dialer.dialing_modes import DialMode


@dataclass(frozen=True, slots=True)
class Explanation:
    """The figures behind a decision, each one of the inputs or derived from them.

    ``operators_expected_free`` counts ready operators plus the busy ones expected to be free by the
    time a call placed now is answered; ``answers_expected_in_flight`` the people expected to answer
    among the calls already ringing; ``risk_z`` the safety distance (in standard deviations) kept
    between expected answers and expected free operators; ``limited_by`` names the bound that decided
    the number (``model``, ``progressive_floor``, ``lines``, ``cps``, ``no_operators``,
    ``no_ready_operator``, ``preview``).
    """

    reason: str
    limited_by: str
    answer_rate: float
    ready: int
    operators_expected_free: float
    answers_expected_in_flight: float
    ringing: int
    waiting: int
    abandon_rate: float
    abandon_threshold: float
    abandon_cap: float
    risk_z: float
    lines_free: int
    cps_tokens: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (for the API and structured logs)."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PacingDecision:
    """How many new calls to place now, at what dial level, in which mode, and why.

    ``dial_level`` is calls in flight after this decision per operator expected free (1.0 is
    progressive's one line per operator). ``mode_used`` differs from the requested mode when
    predictive or fixed-ratio dialing fell back to progressive because the abandon margin is gone, or
    predictive had nothing to win (a lone operator, a small team progressive keeps near the ceiling).
    """

    calls: int
    dial_level: float
    mode_requested: DialMode
    mode_used: DialMode
    explanation: Explanation

    @property
    def fell_back(self) -> bool:
        """True when the requested mode was replaced (abandon margin gone, or a small team)."""
        return self.mode_used is not self.mode_requested

    def log_line(self) -> str:
        """One line with the figures that caused the decision."""
        e = self.explanation
        mode = f"{self.mode_used} (fallback from {self.mode_requested})" if self.fell_back else self.mode_used
        return (
            f"pacing {mode}: {self.calls} call(s), level {self.dial_level:.2f}; {e.reason}; "
            f"ready={e.ready} free≈{e.operators_expected_free:.2f} ringing={e.ringing} "
            f"answers≈{e.answers_expected_in_flight:.2f} p={e.answer_rate:.3f} "
            f"abandon={e.abandon_rate:.4f}/{e.abandon_threshold:.4f} (cap {e.abandon_cap:.4f}) "
            f"z={e.risk_z:.2f} limited_by={e.limited_by}"
        )
