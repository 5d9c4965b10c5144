"""Contacts parked outside the calling hours come back at once when the campaign's hours change."""

from __future__ import annotations

from datetime import timedelta

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.campaigns import service
from dialer.campaigns.schemas import CampaignSettings
from dialer.contacts.models import ContactStatus
from dialer.db.engine import unit_of_work
from tests.calls.conftest import NOW
from tests.calls.test_leasing import contacts_by_id, lease

ADMIN = Principal(role=Role.ADMIN, user_id=1)
MINUTE = timedelta(minutes=1)
ALL_DAY = {day: [["06:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


async def _patch(sessions, campaign_id: int, **fields) -> None:
    async with unit_of_work(sessions) as session:
        await service.update_campaign(session, ADMIN, campaign_id, CampaignSettings(**fields))


async def test_widening_the_hours_releases_parked_contacts_at_once_and_leaves_retry_delays(
    sessions, world, add_contacts
):
    # 22:00 in Vladivostok at NOW: outside 09:00-21:00, so the lease parks these two until 09:00.
    (new,) = await add_contacts(world.campaign_id, timezone="Asia/Vladivostok")
    (retry,) = await add_contacts(
        world.campaign_id,
        timezone="Asia/Vladivostok",
        status=ContactStatus.SCHEDULED,
        next_attempt_at=NOW - MINUTE,
    )
    # A retry delay that has nothing to do with the hours.
    (waiting,) = await add_contacts(
        world.campaign_id, status=ContactStatus.SCHEDULED, next_attempt_at=NOW + 30 * MINUTE
    )
    assert await lease(sessions, world.campaign_id) == []
    parked = await contacts_by_id(sessions, [new, retry, waiting])
    opening = parked[new].next_attempt_at
    assert opening is not None and opening > NOW + 10 * 60 * MINUTE
    assert (parked[new].parked_due, parked[retry].parked_due) == (NOW, NOW - MINUTE)

    await _patch(sessions, world.campaign_id, name="renamed")  # not the hours: still parked
    assert (await contacts_by_id(sessions, [new]))[new].next_attempt_at == opening

    await _patch(sessions, world.campaign_id, calling_hours=ALL_DAY)
    after = await contacts_by_id(sessions, [new, retry, waiting])
    assert (after[new].next_attempt_at, after[retry].next_attempt_at) == (NOW, NOW - MINUTE)
    assert after[new].parked_due is None and after[retry].parked_due is None
    assert after[waiting].next_attempt_at == NOW + 30 * MINUTE

    leased = await lease(sessions, world.campaign_id)
    assert sorted(c.id for c in leased) == sorted([new, retry])
    assert all(c.parked_due is None for c in leased)


async def test_narrowed_hours_park_the_released_contacts_again_at_the_new_opening(
    sessions, world, add_contacts
):
    (contact,) = await add_contacts(world.campaign_id, timezone="Asia/Vladivostok")
    assert await lease(sessions, world.campaign_id) == []
    first_opening = (await contacts_by_id(sessions, [contact]))[contact].next_attempt_at
    later = {day: [["11:00", "20:00"]] for day in ALL_DAY}
    await _patch(sessions, world.campaign_id, calling_hours=later)
    assert await lease(sessions, world.campaign_id) == []
    again = (await contacts_by_id(sessions, [contact]))[contact]
    assert again.next_attempt_at == first_opening + 2 * 60 * MINUTE  # 11:00 instead of 09:00
    assert again.parked_due == NOW  # still the time it was first due
