"""The dialing modes, each described once: what pacing, the engine and the campaign rules read of it.

``DialMode`` is the one enum of modes: a campaign stores its value (``campaigns.dialing_mode``),
pacing (``dialer.pacing.decide``) sizes its calls by the mode's ``pacing`` rule, the engine's FastAGI
routing sends a person to the IVR survey or to an operator by ``ivr_survey``, the preview placer and
desk serve the modes whose operator starts each call, and starting a campaign checks a survey mode's
needs. Adding a mode is one member of ``DialMode`` and its ``ModeTraits`` in ``MODES`` here (and a
new ``Pacing`` rule in ``dialer.pacing.policy`` only if none of the existing ones fits). Pure: no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


class DialMode(enum.StrEnum):
    """How a campaign dials (the stored values: changing one is a migration)."""

    PREVIEW = "preview"
    PROGRESSIVE = "progressive"
    PREDICTIVE = "predictive"
    FIXED_RATIO = "fixed_ratio"  # a supervisor's fixed number of lines per ready operator (dial_ratio)
    SURVEY = "survey"  # IVR survey without operators (dialer.surveys); "press N" reaches one


class Pacing(enum.Enum):
    """How pacing sizes a mode's calls (the rules of ``dialer.pacing.policy``)."""

    OPERATOR_STARTS = "operator_starts"  # none: the operator starts each call from the preview desk
    ONE_PER_READY = "one_per_ready"  # one call per ready operator not covered by a call in flight
    FIXED_RATIO = "fixed_ratio"  # the campaign's dial_ratio lines per ready operator
    PREDICTIVE = "predictive"  # fill the operators expected free, keep the safety distance
    EVERY_FREE_LINE = "every_free_line"  # every free line: the calls need no operator


@dataclass(frozen=True, slots=True)
class ModeTraits:
    """One mode's properties.

    ``pacing``: how many calls pacing places. ``fallback``: the mode pacing dials as once the abandon
    margin is gone (a mode that may place more calls than operators are ready; None: it cannot
    abandon more than its fallback would). ``needs_operators``: False dials with nobody logged in.
    ``operator_previews``: the operator sees the contact and starts each call (the preview desk),
    the call skips AMD and goes to that operator, and needs no registered softphone to be placed.
    ``ivr_survey``: a person the call reaches hears the campaign's IVR survey, which must be defined,
    under a profile that allows dialing without an operator ready, before the campaign starts.
    ``needs_dial_ratio``: the campaign must set ``dial_ratio``.
    """

    pacing: Pacing
    fallback: DialMode | None = None
    needs_operators: bool = True
    operator_previews: bool = False
    ivr_survey: bool = False
    needs_dial_ratio: bool = False

    @property
    def uses_amd(self) -> bool:
        """Whether the dialplan runs AMD on the answer before asking where the call goes."""
        return not self.operator_previews


MODES: dict[DialMode, ModeTraits] = {
    DialMode.PREVIEW: ModeTraits(Pacing.OPERATOR_STARTS, operator_previews=True),
    DialMode.PROGRESSIVE: ModeTraits(Pacing.ONE_PER_READY),
    DialMode.PREDICTIVE: ModeTraits(Pacing.PREDICTIVE, fallback=DialMode.PROGRESSIVE),
    DialMode.FIXED_RATIO: ModeTraits(
        Pacing.FIXED_RATIO, fallback=DialMode.PROGRESSIVE, needs_dial_ratio=True
    ),
    DialMode.SURVEY: ModeTraits(Pacing.EVERY_FREE_LINE, needs_operators=False, ivr_survey=True),
}


def traits(mode: DialMode) -> ModeTraits:
    """The properties of ``mode``."""
    return MODES[mode]


def modes_where(wanted: Callable[[ModeTraits], bool]) -> tuple[DialMode, ...]:
    """The modes whose traits satisfy ``wanted`` (for a query over stored campaigns)."""
    return tuple(mode for mode, mode_traits in MODES.items() if wanted(mode_traits))
