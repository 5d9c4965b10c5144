"""Volume alerts: a threshold of the committed volume crossed, stored once per threshold and span.

``check_volume`` measures the contract (``dialer.metering.volume``), stores an alert for each
threshold reached and not yet alerted in the current span, and, when the contract says so, pauses
its running campaigns as the volume is used up (the alert names them). An alert is then shown by
the API and the event stream and sent to the client's CRM by ``dialer.metering.alert_webhook``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.billing.money import round_to_places
from dialer.billing.volume import crossed_thresholds
from dialer.campaigns.models import Campaign, CampaignState
from dialer.campaigns.states import Command, next_state
from dialer.clients.models import ClientCrm, Contract
from dialer.live.publish import publish
from dialer.metering import events, tariffs
from dialer.metering.alert_webhook import alert_payload
from dialer.metering.models import AlertDelivery, VolumeAlert
from dialer.metering.volume import VolumeReport, volume_report

log = logging.getLogger(__name__)

USED_UP = Decimal(1)


@dataclass(frozen=True, slots=True)
class VolumeCheck:
    """The volume measured and the alerts this check raised (usually none)."""

    report: VolumeReport
    raised: tuple[VolumeAlert, ...]


def watched_thresholds(contract: Contract) -> tuple[Decimal, ...]:
    """The contract's thresholds, with 100% added when campaigns stop at it."""
    thresholds = set(tariffs.alert_thresholds(contract))
    if contract.stop_campaigns_when_used_up:
        thresholds.add(USED_UP)
    return tuple(sorted(thresholds))


async def _alerted(session: AsyncSession, contract_id: int, span_key: str) -> set[Decimal]:
    query = select(VolumeAlert.threshold).where(
        VolumeAlert.contract_id == contract_id, VolumeAlert.span_key == span_key
    )
    return {tariffs.plain(value) for value in await session.scalars(query)}


async def pause_running_campaigns(session: AsyncSession, contract: Contract) -> list[int]:
    """Pause the contract's running campaigns (the engine places no new call); their ids."""
    query = select(Campaign).where(
        Campaign.contract_id == contract.id, Campaign.state == CampaignState.RUNNING
    )
    paused = []
    for campaign in await session.scalars(query.order_by(Campaign.id)):
        campaign.state = next_state(campaign.state, Command.PAUSE)
        paused.append(campaign.id)
    await session.flush()
    return paused


async def check_volume(session: AsyncSession, contract: Contract, now: datetime) -> VolumeCheck:
    """Measure the contract's volume and raise the alerts it has newly earned."""
    report = await volume_report(session, contract, now)
    if not contract.volume_committed or contract.volume_committed <= 0:
        return VolumeCheck(report, ())
    watched = watched_thresholds(contract)
    reached = set(crossed_thresholds(0, report.used, contract.volume_committed, watched))
    already = await _alerted(session, contract.id, report.span.key)
    fresh = [t for t in watched if t in reached and t not in already]
    if not fresh:
        return VolumeCheck(report, ())
    crm = await session.get(ClientCrm, contract.client_id)
    webhook = crm is not None and bool(crm.webhook_url) and bool(crm.signing_secret)
    raised = []
    for threshold in fresh:
        stopped: list[int] = []
        try:
            async with session.begin_nested():
                if threshold >= USED_UP and contract.stop_campaigns_when_used_up:
                    stopped = await pause_running_campaigns(session, contract)
                alert = VolumeAlert(
                    contract_id=contract.id,
                    span_key=report.span.key,
                    threshold=threshold,
                    unit=report.unit.value,
                    committed=contract.volume_committed,
                    used=round_to_places(report.used, 6),
                    crossed_at=now,
                    stopped_campaigns=stopped,
                    delivery=AlertDelivery.PENDING if webhook else AlertDelivery.NO_WEBHOOK,
                    attempts=0,
                    next_attempt_at=now if webhook else None,
                )
                session.add(alert)
        except IntegrityError:  # another process raised it first: one alert per threshold
            continue
        raised.append(alert)
        log.warning(
            "contract %s: %s%% of the %s %s committed for %s used (%s)%s",
            contract.id,
            tariffs.plain(threshold * 100),
            tariffs.plain(contract.volume_committed),
            report.unit.value,
            report.span.key,
            report.used_rounded,
            f"; paused campaigns {stopped}" if stopped else "",
        )
    for alert in raised:
        await publish(
            session, "volume_alert", alert_payload(alert, contract), at=now, client_id=contract.client_id
        )
    if raised:
        events.mark_raised(session.sync_session)
    return VolumeCheck(report, tuple(raised))


async def watched_contracts(session: AsyncSession) -> list[Contract]:
    """Contracts with a committed volume and at least one running campaign."""
    running = select(Campaign.contract_id).where(Campaign.state == CampaignState.RUNNING)
    query = select(Contract).where(Contract.volume_committed.is_not(None), Contract.id.in_(running))
    return list(await session.scalars(query.order_by(Contract.id)))


async def list_alerts(session: AsyncSession, contract_id: int, *, limit: int = 100) -> list[VolumeAlert]:
    query = (
        select(VolumeAlert)
        .where(VolumeAlert.contract_id == contract_id)
        .order_by(VolumeAlert.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))
