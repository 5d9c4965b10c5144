"""The monthly report on a contract: work done against the appendix's volume, the bill by the
contract's pricing model (metering's ``Statement``), hot-lead handoff times, the base's quality
(numbers that do not exist, among the month's calls) and a day-by-day series.

Pure: built from values the caller read (``monthly_source``). It round-trips through JSON
(``to_json``/``from_json``) exactly, money and quantities as strings, so a stored report reads back
with the figures that were sent, and the act built from it agrees to the kopeck.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dialer.billing.schedule import ReportSchedule
from dialer.hotleads.deadlines import HandoffStats
from dialer.metering.figures import Statement
from dialer.metering.snapshot import statement_from_json, statement_to_json
from dialer.metering.usage import MeteredCall


@dataclass(frozen=True, slots=True)
class ContractFacts:
    contract_id: int
    number: str
    client_id: int
    client: str
    country: str
    timezone: str
    rate: Decimal
    volume_committed: Decimal | None
    volume_unit: str  # minutes | contacts | seat_hours
    volume_scope: str  # month | contract


@dataclass(frozen=True, slots=True)
class Volume:
    """The month's work in the volume's unit against the committed volume (when there is one)."""

    unit: str
    used: Decimal
    committed: Decimal | None
    left: Decimal | None
    share_used: Decimal | None  # 0.8125 = 81.25 %


@dataclass(frozen=True, slots=True)
class DayLine:
    day: date
    calls: int
    connected: int
    talk_seconds: int
    late: int


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    contract: ContractFacts
    period: str  # "2026-11"
    generated_at: datetime
    generate_on: date
    due_by: date
    statement: Statement
    volume: Volume
    days: tuple[DayLine, ...]
    handoff: HandoffStats
    invalid_numbers: int | None = None  # contacts whose number does not exist; None: not counted (old report)

    @property
    def frozen(self) -> bool:
        return self.statement.frozen


def _plain(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def volume_used(statement: Statement, unit: str, seat_pauses_paid: bool) -> Decimal:
    """The month's usage in the volume's unit: billable minutes, processed contacts, or seat-hours."""
    usage = statement.usage
    if unit == "minutes":
        return _plain(Decimal(usage.billable_seconds) / 60)
    if unit == "contacts":
        return Decimal(usage.processed_total)
    seconds = usage.seat_seconds_with_pauses if seat_pauses_paid else usage.seat_seconds_without_pauses
    return _plain(seconds / 3600)


def volume_of(used: Decimal, committed: Decimal | None, unit: str) -> Volume:
    used = used.quantize(Decimal("0.0001")) if used != used.to_integral_value() else used
    if committed is None or committed <= 0:
        return Volume(unit, _plain(used), committed, None, None)
    return Volume(
        unit,
        _plain(used),
        _plain(committed),
        _plain(committed - used),
        _plain((used / committed).quantize(Decimal("0.0001"))),
    )


def day_lines(calls: Iterable[MeteredCall], first_day: date, last_day: date, tz: str) -> list[DayLine]:
    """Every local day of the month; a late call (placed in an earlier month) counts on the first day."""
    zone = ZoneInfo(tz)
    tallies: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for call in calls:
        day = first_day if call.late else call.placed_at.astimezone(zone).date()
        t = tallies[day]
        t[0] += 1
        t[1] += call.connected
        t[2] += call.talk_seconds
        t[3] += call.late
    lines = []
    day = first_day
    while day <= last_day:
        calls_, connected, talk, late = tallies.get(day, [0, 0, 0, 0])
        lines.append(DayLine(day, calls_, connected, talk, late))
        day += timedelta(days=1)
    return lines


def monthly_report(
    contract: ContractFacts,
    statement: Statement,
    schedule: ReportSchedule,
    calls: Iterable[MeteredCall],
    handoff: HandoffStats,
    *,
    generated_at: datetime,
    seat_pauses_paid: bool = True,
    contract_used: Decimal | None = None,
    invalid_numbers: int = 0,
) -> MonthlyReport:
    """``contract_used``: for a volume committed over the whole contract, its use up to the month's
    end (the month's own use otherwise). ``invalid_numbers``: contacts whose call in the month ended
    ``invalid_number``."""
    used = (
        contract_used
        if contract_used is not None
        else volume_used(statement, contract.volume_unit, seat_pauses_paid)
    )
    return MonthlyReport(
        contract=contract,
        period=statement.period.key,
        generated_at=generated_at,
        generate_on=schedule.generate_on,
        due_by=schedule.due_by,
        statement=statement,
        volume=volume_of(used, contract.volume_committed, contract.volume_unit),
        days=tuple(
            day_lines(calls, statement.period.first_day, statement.period.last_day, contract.timezone)
        ),
        handoff=handoff,
        invalid_numbers=invalid_numbers,
    )


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def to_json(report: MonthlyReport) -> dict[str, Any]:
    c, v, h = report.contract, report.volume, report.handoff
    return {
        "contract": {
            "contract_id": c.contract_id,
            "number": c.number,
            "client_id": c.client_id,
            "client": c.client,
            "country": c.country,
            "timezone": c.timezone,
            "rate": str(c.rate),
            "volume_committed": _opt(c.volume_committed),
            "volume_unit": c.volume_unit,
            "volume_scope": c.volume_scope,
        },
        "period": report.period,
        "generated_at": report.generated_at.isoformat(),
        "generate_on": report.generate_on.isoformat(),
        "due_by": report.due_by.isoformat(),
        "statement": statement_to_json(report.statement),
        "volume": {
            "unit": v.unit,
            "used": str(v.used),
            "committed": _opt(v.committed),
            "left": _opt(v.left),
            "share_used": _opt(v.share_used),
        },
        "days": [
            {
                "day": d.day.isoformat(),
                "calls": d.calls,
                "connected": d.connected,
                "talk_seconds": d.talk_seconds,
                "late": d.late,
            }
            for d in report.days
        ],
        "handoff": {
            "count": h.count,
            "on_time": h.on_time,
            "late": h.late,
            "failed": h.failed,
            "pending": h.pending,
            "median_seconds": h.median_seconds,
            "p90_seconds": h.p90_seconds,
        },
        "invalid_numbers": report.invalid_numbers,
    }


def from_json(data: dict[str, Any]) -> MonthlyReport:
    c, v, h = data["contract"], data["volume"], data["handoff"]
    return MonthlyReport(
        contract=ContractFacts(
            contract_id=c["contract_id"],
            number=c["number"],
            client_id=c["client_id"],
            client=c["client"],
            country=c["country"],
            timezone=c["timezone"],
            rate=Decimal(c["rate"]),
            volume_committed=_dec(c["volume_committed"]),
            volume_unit=c["volume_unit"],
            volume_scope=c["volume_scope"],
        ),
        period=data["period"],
        generated_at=datetime.fromisoformat(data["generated_at"]),
        generate_on=date.fromisoformat(data["generate_on"]),
        due_by=date.fromisoformat(data["due_by"]),
        statement=statement_from_json(data["statement"]),
        volume=Volume(
            v["unit"], Decimal(v["used"]), _dec(v["committed"]), _dec(v["left"]), _dec(v["share_used"])
        ),
        days=tuple(
            DayLine(date.fromisoformat(d["day"]), d["calls"], d["connected"], d["talk_seconds"], d["late"])
            for d in data["days"]
        ),
        handoff=HandoffStats(
            h["count"],
            h["on_time"],
            h["late"],
            h["failed"],
            h["pending"],
            h["median_seconds"],
            h["p90_seconds"],
        ),
        invalid_numbers=data.get("invalid_numbers"),  # absent from reports stored before it was counted
    )
