"""What happened in a campaign, as the figures and the table ``dialer demo`` prints at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call, CallOutcome
from dialer.operators.models import Operator

FAILED = (
    CallOutcome.UNREACHABLE,
    CallOutcome.CONGESTION,
    CallOutcome.REJECTED,
    CallOutcome.CHANNEL_UNAVAILABLE,
    CallOutcome.FAILED,
    CallOutcome.PBX_RESTART,
)


@dataclass
class OperatorLine:
    name: str
    calls: int = 0
    talk_s: float = 0.0
    dispositions: Counter[str] = field(default_factory=Counter)


@dataclass
class CampaignReport:
    placed: int = 0
    live: int = 0
    answered: int = 0
    connected: int = 0
    abandoned: int = 0
    machines: int = 0
    busy: int = 0
    no_answer: int = 0
    failed: int = 0
    invalid_numbers: int = 0
    talk_s: float = 0.0
    dispositions: Counter[str] = field(default_factory=Counter)
    operators: dict[str, OperatorLine] = field(default_factory=dict)

    @property
    def abandon_rate(self) -> float:
        people = self.connected + self.abandoned
        return self.abandoned / people if people else 0.0

    def table(self) -> str:
        rows = [
            ("calls placed", str(self.placed)),
            ("  still live at the end", str(self.live)),
            ("answered", str(self.answered)),
            ("connected to an operator", str(self.connected)),
            ("abandoned", f"{self.abandoned} ({self.abandon_rate:.1%} of people answered)"),
            ("answering machines", str(self.machines)),
            ("busy", str(self.busy)),
            ("no answer", str(self.no_answer)),
            ("numbers that do not exist", str(self.invalid_numbers)),
            ("unreachable / failed", str(self.failed)),
            ("talk time", _duration(self.talk_s)),
        ]
        rows += [(f"disposition: {code}", str(n)) for code, n in sorted(self.dispositions.items())]
        width = max(len(label) for label, _ in rows)
        lines = [f"{label:<{width}}  {value}" for label, value in rows]
        if self.operators:
            name_w = max(len(o.name) for o in self.operators.values())
            lines += ["", f"{'operator':<{name_w}}  calls  talk      dispositions"]
            for line in sorted(self.operators.values(), key=lambda o: o.name):
                codes = ", ".join(f"{c} {n}" for c, n in sorted(line.dispositions.items())) or "-"
                lines.append(f"{line.name:<{name_w}}  {line.calls:>5}  {_duration(line.talk_s):<8}  {codes}")
        return "\n".join(lines)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s"


async def campaign_report(session: AsyncSession, campaign_id: int) -> CampaignReport:
    calls = list(await session.scalars(select(Call).where(Call.campaign_id == campaign_id)))
    names = {o.id: o.name for o in await session.scalars(select(Operator))}
    report = CampaignReport(placed=len(calls))
    for call in calls:
        outcome = call.outcome
        report.live += outcome is None
        report.answered += call.answered_at is not None
        report.connected += call.connected_at is not None
        report.abandoned += outcome is CallOutcome.ABANDONED
        report.machines += outcome is CallOutcome.MACHINE
        report.busy += outcome is CallOutcome.BUSY
        report.no_answer += outcome is CallOutcome.NO_ANSWER
        report.failed += outcome in FAILED
        report.invalid_numbers += outcome is CallOutcome.INVALID_NUMBER
        talk = call.talk_seconds or 0.0
        report.talk_s += talk
        if call.disposition_code:
            report.dispositions[call.disposition_code] += 1
        if call.operator_id is not None:
            line = report.operators.setdefault(
                str(call.operator_id), OperatorLine(names.get(call.operator_id, str(call.operator_id)))
            )
            line.calls += 1
            line.talk_s += talk
            if call.disposition_code:
                line.dispositions[call.disposition_code] += 1
    return report
