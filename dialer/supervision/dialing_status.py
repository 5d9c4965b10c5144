"""Why a running campaign is (not) dialing, in words a supervisor can act on.

A campaign that was started can still place no call: no engine has taken it, nobody is logged in
to it or ready, every softphone is unregistered, no contact is left, or every contact that is left
is due later or outside its calling hours. ``dialing_status`` reads what the engine reads (the
campaign's owner and heartbeat, operators' states, the contacts' leasing conditions) and names each
reason that holds now; ``dialing`` is true when none does.

Interface::

    dialing_status(session, principal, campaign_id, now, *, owner_ttl) -> DialingStatus
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.principal import Principal
from dialer.calls.leasing import eligible
from dialer.campaigns.models import Campaign, CampaignState
from dialer.campaigns.profile import campaign_profile
from dialer.campaigns.service import get_campaign
from dialer.contacts.calling_zones import CallingVerdicts, contact_zones
from dialer.contacts.models import Contact, ContactStatus
from dialer.dialing_modes import traits
from dialer.operators.models import OperatorState, OperatorStatus

OPEN = (ContactStatus.NEW, ContactStatus.SCHEDULED, ContactStatus.CALLBACK, ContactStatus.IN_PROGRESS)
HOURS_SAMPLE = 500  # due contacts whose calling hours are looked at (the rest are like them)
ACTIVE = (OperatorState.READY, OperatorState.ON_CALL, OperatorState.WRAP_UP)


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason the campaign places no call now: a stable ``code`` and a sentence."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class DialingStatus:
    campaign_id: int
    state: CampaignState
    engine: str | None
    operators_logged_in: int
    operators_ready: int
    contacts_open: int
    contacts_due_now: int
    next_due_at: datetime | None
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def dialing(self) -> bool:
        return self.state is CampaignState.RUNNING and not self.blockers


async def _operators(session: AsyncSession, campaign_id: int) -> list[OperatorStatus]:
    """The operators logged in to the campaign (their state row names it among their campaigns)."""
    rows = await session.scalars(
        select(OperatorStatus).where(OperatorStatus.state != OperatorState.LOGGED_OUT)
    )
    return [row for row in rows if campaign_id in (row.campaign_ids or [])]


async def _contacts(
    session: AsyncSession, campaign: Campaign, now: datetime
) -> tuple[int, int, datetime | None]:
    """(open contacts, contacts callable now, when the next one may be called)."""
    profile = campaign_profile(campaign)
    conditions = eligible(campaign, now, profile, None)
    open_count = await session.scalar(
        select(func.count(Contact.id)).where(Contact.campaign_id == campaign.id, Contact.status.in_(OPEN))
    )
    due = (
        await session.execute(select(Contact.phone, Contact.timezone).where(*conditions).limit(HOURS_SAMPLE))
    ).all()
    verdicts = CallingVerdicts(campaign.calling_hours, now)
    zones = [contact_zones(zone, phone) for phone, zone in due]
    callable_count = sum(1 for z in zones if verdicts.callable_now(z))
    if callable_count:
        return int(open_count or 0), callable_count, now
    upcoming = [moment for z in set(zones) if (moment := verdicts.next_callable(z)) is not None]
    later = await session.scalar(
        select(func.min(Contact.next_attempt_at)).where(
            Contact.campaign_id == campaign.id,
            Contact.status.in_(OPEN[:3]),
            Contact.next_attempt_at > now,
        )
    )
    if later is not None:
        upcoming.append(later if later.tzinfo else later.replace(tzinfo=UTC))
    return int(open_count or 0), 0, min(upcoming) if upcoming else None


def _blockers(
    campaign: Campaign,
    now: datetime,
    owner_ttl: timedelta,
    operators: list[OperatorStatus],
    contacts: tuple[int, int, datetime | None],
) -> list[Blocker]:
    open_count, due_now, next_due = contacts
    found: list[Blocker] = []
    heartbeat = campaign.owner_heartbeat_at
    if campaign.owner is None or heartbeat is None or heartbeat < now - owner_ttl:
        found.append(
            Blocker("no_engine", "no engine drives this campaign: is `dialer serve` running and connected?")
        )
    active = [o for o in operators if o.state in ACTIVE]
    if not operators:
        found.append(Blocker("no_operator_logged_in", "no operator is logged in to this campaign"))
    elif not active:
        found.append(Blocker("no_operator_ready", f"{len(operators)} operator(s) logged in, all paused"))
    elif not traits(campaign.dialing_mode).operator_previews and not any(o.registered for o in active):
        found.append(
            Blocker("no_softphone_registered", "no ready operator's softphone is registered with Asterisk")
        )
    if open_count == 0:
        found.append(Blocker("no_contact_left", "no contact is left to dial (import more, or stop it)"))
    elif due_now == 0:
        when = f" the next at {next_due.isoformat(timespec='minutes')}" if next_due else " none is scheduled"
        found.append(
            Blocker(
                "nothing_due_now",
                f"{open_count} contact(s) left, none callable now (calling hours, retry "
                f"delays or callbacks):{when}",
            )
        )
    return found


async def dialing_status(
    session: AsyncSession, principal: Principal, campaign_id: int, now: datetime, *, owner_ttl: timedelta
) -> DialingStatus:
    """The campaign's dialing status as the caller may see it (another client's: not found)."""
    campaign = await get_campaign(session, principal, campaign_id)
    operators = await _operators(session, campaign.id)
    contacts = await _contacts(session, campaign, now)
    running = campaign.state is CampaignState.RUNNING
    return DialingStatus(
        campaign_id=campaign.id,
        state=campaign.state,
        engine=campaign.owner,
        operators_logged_in=len(operators),
        operators_ready=sum(1 for o in operators if o.state is OperatorState.READY),
        contacts_open=contacts[0],
        contacts_due_now=contacts[1],
        next_due_at=contacts[2],
        blockers=_blockers(campaign, now, owner_ttl, operators, contacts) if running else [],
    )
