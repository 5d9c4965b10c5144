"""The daily campaign report: a pure aggregation of one day's call records and operator states.

Definitions (each figure is over the calls *placed* in the day, ``[start, end)``):

- placed: dialing attempts; answered: picked up by a person or a machine (``answered_at`` set);
- connected: a person put through to an operator (``connected_at`` set); contacts reached: distinct
  contacts with a connected call; contact rate: connected / placed;
- abandoned: a person answered and no operator was free; abandon rate: abandoned / (connected +
  abandoned), the share of answered people who got no operator;
- conversions: connected calls disposed with a hot-lead code (sale, lead, meeting); conversion
  rate: conversions / connected; leads: the same calls, as the brief counts them;
- average talk: talk seconds of the connected calls over their number;
- invalid numbers: distinct contacts whose call ended ``invalid_number`` (the network said the number
  does not exist; the contact is never dialed again), a figure of the base's quality.

Per operator: the connected calls they took and their talk seconds, and from their state changes
(only while logged in to this campaign) logged-in, paused and busy (on call or wrap-up) seconds;
occupancy is busy / (logged in - paused). Hours are the local hours of ``tz``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialer.errors import InvalidInput

NOT_DISPOSED = "—"


@dataclass(frozen=True, slots=True)
class CallFact:
    """One call record as the report reads it."""

    call_id: int
    contact_id: int
    operator_id: int | None
    placed_at: datetime
    answered_at: datetime | None = None
    connected_at: datetime | None = None
    abandoned: bool = False
    talk_seconds: float | None = None
    disposition_code: str | None = None
    hot_lead: bool = False
    phone: str = ""
    recording: bool = False
    invalid_number: bool = False


@dataclass(frozen=True, slots=True)
class StateChange:
    """An operator's state from ``at`` on (``campaign_ids``: the campaigns they were logged in to)."""

    operator_id: int
    at: datetime
    state: str
    campaign_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Goals:
    calls: int | None = None
    conversion_rate: float | None = None
    leads: int | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    placed: int
    answered: int
    connected: int
    contacts_dialed: int
    contacts_reached: int
    contact_rate: float
    abandoned: int
    abandon_rate: float
    conversions: int
    conversion_rate: float
    leads: int
    talk_seconds: float
    average_talk_seconds: float
    invalid_numbers: int


@dataclass(frozen=True, slots=True)
class DispositionCount:
    code: str
    label: str
    calls: int
    share: float  # of connected calls
    conversion: bool


@dataclass(frozen=True, slots=True)
class OperatorLine:
    operator_id: int
    name: str
    calls: int
    talk_seconds: float
    logged_in_seconds: float
    pause_seconds: float
    busy_seconds: float
    occupancy: float


@dataclass(frozen=True, slots=True)
class HourLine:
    hour: int  # local hour 0-23
    placed: int
    answered: int
    connected: int
    abandoned: int
    conversions: int
    talk_seconds: float


@dataclass(frozen=True, slots=True)
class GoalLine:
    name: str
    target: float
    actual: float
    met: bool


@dataclass(frozen=True, slots=True)
class RecordingLink:
    call_id: int
    placed_at: datetime
    operator: str
    phone: str
    disposition: str
    talk_seconds: float
    url: str


@dataclass(frozen=True, slots=True)
class DailyReport:
    campaign_id: int
    campaign: str
    client: str
    day: date
    timezone: str
    start: datetime
    end: datetime
    totals: Totals
    dispositions: tuple[DispositionCount, ...]
    operators: tuple[OperatorLine, ...]
    hours: tuple[HourLine, ...]
    goals: tuple[GoalLine, ...]
    recordings: tuple[RecordingLink, ...] = field(default=())


def zone(tz: str) -> ZoneInfo:
    """The IANA zone named ``tz``; ``InvalidInput`` naming it when there is none."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"tz: unknown time zone {tz!r} (an IANA name such as Europe/Moscow)") from None


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """The local day ``day`` in zone ``tz`` as ``[start, end)`` aware times."""
    zone_ = zone(tz)
    return datetime.combine(day, time(), zone_), datetime.combine(day + timedelta(days=1), time(), zone_)


def ratio(part: float, whole: float) -> float:
    """``part / whole`` to 4 places; 0 when ``whole`` is 0."""
    return round(part / whole, 4) if whole else 0.0


def _connected(call: CallFact) -> bool:
    return call.connected_at is not None


def _converted(call: CallFact, conversion_codes: frozenset[str]) -> bool:
    return _connected(call) and call.disposition_code in conversion_codes


def totals_of(calls: Sequence[CallFact], conversion_codes: frozenset[str]) -> Totals:
    connected = [c for c in calls if _connected(c)]
    abandoned = sum(1 for c in calls if c.abandoned and not _connected(c))
    conversions = sum(1 for c in connected if c.disposition_code in conversion_codes)
    talk = sum(c.talk_seconds or 0.0 for c in connected)
    return Totals(
        placed=len(calls),
        answered=sum(1 for c in calls if c.answered_at is not None),
        connected=len(connected),
        contacts_dialed=len({c.contact_id for c in calls}),
        contacts_reached=len({c.contact_id for c in connected}),
        contact_rate=ratio(len(connected), len(calls)),
        abandoned=abandoned,
        abandon_rate=ratio(abandoned, len(connected) + abandoned),
        conversions=conversions,
        conversion_rate=ratio(conversions, len(connected)),
        leads=sum(1 for c in connected if c.hot_lead),
        talk_seconds=round(talk, 3),
        average_talk_seconds=round(talk / len(connected), 1) if connected else 0.0,
        invalid_numbers=len({c.contact_id for c in calls if c.invalid_number}),
    )


def disposition_counts(
    calls: Sequence[CallFact], labels: Mapping[str, str], conversion_codes: frozenset[str]
) -> list[DispositionCount]:
    """Connected calls per disposition: every code of the campaign (zeros included), then codes the
    campaign no longer has, then the connected calls not yet disposed."""
    connected = [c for c in calls if _connected(c)]
    counts = Counter(c.disposition_code or NOT_DISPOSED for c in connected)
    codes = list(labels) + sorted(set(counts) - set(labels) - {NOT_DISPOSED})
    if counts[NOT_DISPOSED]:
        codes.append(NOT_DISPOSED)
    return [
        DispositionCount(
            code,
            labels.get(code, "not disposed" if code == NOT_DISPOSED else code),
            counts[code],
            ratio(counts[code], len(connected)),
            code in conversion_codes,
        )
        for code in codes
    ]


def state_seconds(
    changes: Iterable[StateChange], campaign_id: int, start: datetime, end: datetime
) -> dict[int, dict[str, float]]:
    """Seconds per operator and state inside ``[start, end)`` while logged in to ``campaign_id``.

    ``changes`` hold every change in the window and, per operator, the last one before it (the
    state the day begins in); each state lasts until the operator's next change, the last until ``end``.
    """
    by_operator: dict[int, list[StateChange]] = defaultdict(list)
    for change in changes:
        by_operator[change.operator_id].append(change)
    seconds: dict[int, dict[str, float]] = {}
    for operator_id, own in by_operator.items():
        own.sort(key=lambda c: c.at)
        tally: defaultdict[str, float] = defaultdict(float)
        for change, following in zip(own, [*own[1:], None], strict=True):
            if campaign_id not in change.campaign_ids or change.state == "logged_out":
                continue
            lo = max(change.at, start)
            hi = min(following.at if following is not None else end, end)
            if lo < hi:
                tally[change.state] += (hi - lo).total_seconds()
        seconds[operator_id] = dict(tally)
    return seconds


def operator_lines(
    calls: Sequence[CallFact],
    changes: Iterable[StateChange],
    names: Mapping[int, str],
    campaign_id: int,
    start: datetime,
    end: datetime,
) -> list[OperatorLine]:
    states = state_seconds(changes, campaign_id, start, end)
    taken: Counter[int] = Counter()
    talk: defaultdict[int, float] = defaultdict(float)
    for call in calls:
        if _connected(call) and call.operator_id is not None:
            taken[call.operator_id] += 1
            talk[call.operator_id] += call.talk_seconds or 0.0
    lines = []
    for operator_id in sorted(set(taken) | {o for o, s in states.items() if s}):
        tally = states.get(operator_id, {})
        logged_in = sum(tally.values())
        paused = tally.get("paused", 0.0)
        busy = tally.get("on_call", 0.0) + tally.get("wrap_up", 0.0)
        lines.append(
            OperatorLine(
                operator_id=operator_id,
                name=names.get(operator_id, f"operator {operator_id}"),
                calls=taken[operator_id],
                talk_seconds=round(talk[operator_id], 3),
                logged_in_seconds=round(logged_in, 3),
                pause_seconds=round(paused, 3),
                busy_seconds=round(busy, 3),
                occupancy=ratio(busy, logged_in - paused),
            )
        )
    return lines


def hour_lines(calls: Sequence[CallFact], tz: str, conversion_codes: frozenset[str]) -> list[HourLine]:
    """Every local hour of the day (24 lines; 23 or 25 on a DST change day are folded by hour)."""
    local = zone(tz)
    by_hour: dict[int, list[CallFact]] = defaultdict(list)
    for call in calls:
        by_hour[call.placed_at.astimezone(local).hour].append(call)
    lines = []
    for hour in range(24):
        own = by_hour.get(hour, [])
        t = totals_of(own, conversion_codes)
        lines.append(
            HourLine(hour, t.placed, t.answered, t.connected, t.abandoned, t.conversions, t.talk_seconds)
        )
    return lines


def goal_lines(goals: Goals, totals: Totals) -> list[GoalLine]:
    lines = []
    if goals.calls is not None:
        lines.append(GoalLine("calls", goals.calls, totals.placed, totals.placed >= goals.calls))
    if goals.conversion_rate is not None:
        target = goals.conversion_rate
        lines.append(
            GoalLine("conversion_rate", target, totals.conversion_rate, totals.conversion_rate >= target)
        )
    if goals.leads is not None:
        lines.append(GoalLine("leads", goals.leads, totals.leads, totals.leads >= goals.leads))
    return lines


def recording_links(
    calls: Sequence[CallFact], names: Mapping[int, str], labels: Mapping[str, str], public_url: str
) -> list[RecordingLink]:
    return [
        RecordingLink(
            call_id=c.call_id,
            placed_at=c.placed_at,
            operator=names.get(c.operator_id, "") if c.operator_id is not None else "",
            phone=c.phone,
            disposition=labels.get(c.disposition_code, c.disposition_code) if c.disposition_code else "",
            talk_seconds=c.talk_seconds or 0.0,
            url=f"{public_url.rstrip('/')}/recordings/{c.call_id}/audio",
        )
        for c in sorted(calls, key=lambda c: (c.placed_at, c.call_id))
        if c.recording
    ]


@dataclass(frozen=True, slots=True)
class CampaignFacts:
    """What the report needs to know about the campaign besides its calls."""

    campaign_id: int
    campaign: str
    client: str
    labels: Mapping[str, str]  # disposition code -> label, in the campaign's order
    conversion_codes: frozenset[str]  # the hot-lead codes
    operator_names: Mapping[int, str]
    goals: Goals = Goals()


def daily_report(
    facts: CampaignFacts,
    day: date,
    tz: str,
    calls: Iterable[CallFact],
    changes: Iterable[StateChange],
    public_url: str = "",
) -> DailyReport:
    """The report on ``day`` (local to ``tz``): calls placed in the day; states clipped to it."""
    start, end = day_bounds(day, tz)
    own = [c for c in calls if start <= c.placed_at < end]
    totals = totals_of(own, facts.conversion_codes)
    return DailyReport(
        campaign_id=facts.campaign_id,
        campaign=facts.campaign,
        client=facts.client,
        day=day,
        timezone=tz,
        start=start,
        end=end,
        totals=totals,
        dispositions=tuple(disposition_counts(own, facts.labels, facts.conversion_codes)),
        operators=tuple(operator_lines(own, changes, facts.operator_names, facts.campaign_id, start, end)),
        hours=tuple(hour_lines(own, tz, facts.conversion_codes)),
        goals=tuple(goal_lines(facts.goals, totals)),
        recordings=tuple(recording_links(own, facts.operator_names, facts.labels, public_url)),
    )
