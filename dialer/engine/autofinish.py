"""Finishing a running campaign by itself once it is exhausted (``dialer.campaigns.exhaustion``).

It lives with the engine, above the domain packages, because it reads calls, contacts and
preview requests together.

The engine asks now and then for the campaigns it drives. The contacts' fates are counted in SQL;
a contact that can still be dialed is looked for first (one row), so a campaign in full swing costs
one indexed probe, and the full count is made only when the campaign may be over. The campaign row
is locked while deciding, so a supervisor's command or a new import in between is not overwritten.

Interface::

    contact_fates(session, campaign, profile) -> dict[Fate, int]
    finish_if_exhausted(session, campaign_id, profile, now, *, live_calls=0) -> Verdict | None

Open call records and pending preview dial requests of the campaign count as live too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call
from dialer.campaigns.exhaustion import Fate, Verdict, exhaustion
from dialer.campaigns.models import Campaign, CampaignState
from dialer.compliance import ComplianceProfile
from dialer.contacts.models import Contact, ContactStatus, DncEntry
from dialer.preview.models import PreviewRequest, PreviewStatus


def _listed(client_id: int) -> ColumnElement[bool]:
    return exists().where(
        DncEntry.phone == Contact.phone,
        or_(DncEntry.client_id.is_(None), DncEntry.client_id == client_id),
    )


def _fate(campaign: Campaign, profile: ComplianceProfile) -> ColumnElement[str]:
    """The contact's ``Fate`` as SQL; the order of the tests is the order of precedence."""
    whens: list[tuple[ColumnElement[bool], str]] = [
        (Contact.status == ContactStatus.DONE, Fate.DONE.value),
        (Contact.status == ContactStatus.IN_PROGRESS, Fate.HELD.value),
        (or_(Contact.status == ContactStatus.DO_NOT_CALL, Contact.on_dnc.is_(True)), Fate.DO_NOT_CALL.value),
        (_listed(campaign.client_id), Fate.DO_NOT_CALL.value),
        (Contact.status == ContactStatus.INVALID, Fate.INVALID_NUMBER.value),
        (Contact.status == ContactStatus.EXHAUSTED, Fate.OUT_OF_ATTEMPTS.value),
    ]
    if not profile.may_dial(advertising=campaign.advertising, consent=False):
        whens.append((Contact.consent.is_(False), Fate.NO_CONSENT.value))
    whens += [
        (Contact.status == ContactStatus.CALLBACK, Fate.CALLBACK.value),
        (Contact.attempts >= campaign.max_attempts, Fate.OUT_OF_ATTEMPTS.value),
        (Contact.status == ContactStatus.SCHEDULED, Fate.RETRY.value),
    ]
    return case(*whens, else_=Fate.NEW.value)


OPEN = (Fate.NEW.value, Fate.RETRY.value, Fate.CALLBACK.value, Fate.HELD.value)


async def contact_fates(
    session: AsyncSession, campaign: Campaign, profile: ComplianceProfile
) -> dict[Fate, int]:
    """How many of the campaign's contacts have each fate; when one is still open, only that one."""
    fate = _fate(campaign, profile)
    probe = await session.execute(
        select(fate)
        .where(
            Contact.campaign_id == campaign.id,
            Contact.status.in_(
                (
                    ContactStatus.NEW,
                    ContactStatus.SCHEDULED,
                    ContactStatus.CALLBACK,
                    ContactStatus.IN_PROGRESS,
                )
            ),
            fate.in_(OPEN),
        )
        .limit(1)
    )
    first = probe.scalar()
    if first is not None:
        return {Fate(first): 1}
    rows = await session.execute(
        select(fate, func.count()).where(Contact.campaign_id == campaign.id).group_by(fate)
    )
    return {Fate(name): int(n) for name, n in rows.all()}


async def finish_if_exhausted(
    session: AsyncSession,
    campaign_id: int,
    profile: ComplianceProfile,
    now: datetime,
    *,
    live_calls: int = 0,
) -> Verdict | None:
    """Move a running, exhausted campaign to ``finished`` (with ``finished_at``); the verdict, or
    None when the campaign is not running. The caller commits."""
    query = select(Campaign).where(Campaign.id == campaign_id).with_for_update()
    campaign = await session.scalar(query.execution_options(populate_existing=True))
    if campaign is None or campaign.state is not CampaignState.RUNNING:
        return None
    open_calls = await session.scalar(
        select(func.count()).where(Call.campaign_id == campaign_id, Call.ended_at.is_(None))
    )
    pending_previews = await session.scalar(
        select(func.count()).where(
            PreviewRequest.campaign_id == campaign_id, PreviewRequest.status == PreviewStatus.PENDING
        )
    )
    verdict = exhaustion(
        await contact_fates(session, campaign, profile),
        live_calls=max(live_calls, int(open_calls or 0)),
        pending_previews=int(pending_previews or 0),
    )
    if verdict.exhausted:
        # ``now`` was taken before this look; a call may have ended (and been written) since then.
        last_end = await session.scalar(
            select(func.max(Call.ended_at)).where(Call.campaign_id == campaign_id)
        )
        campaign.state, campaign.finished_at = CampaignState.FINISHED, max(now, last_end or now)
        campaign.owner = campaign.owner_heartbeat_at = None
        await session.flush()
    return verdict
