"""Storage's side of finishing an exhausted campaign: the contacts' fates counted in SQL (do-not-call
lists by phone, attempts, consent, callbacks, leases), and the running campaign moved to finished."""

from __future__ import annotations

from datetime import timedelta

from dialer.calls.models import Call
from dialer.campaigns.exhaustion import Fate
from dialer.campaigns.models import Campaign, CampaignState
from dialer.compliance import get_profile
from dialer.contacts.models import ContactStatus, DncEntry
from dialer.db.engine import unit_of_work
from dialer.engine.autofinish import contact_fates, finish_if_exhausted
from tests.calls.conftest import NOW

US, RU = get_profile("us"), get_profile("ru")


async def fates(sessions, campaign_id: int, profile=US) -> dict[Fate, int]:
    async with sessions() as session:
        campaign = await session.get(Campaign, campaign_id)
        return await contact_fates(session, campaign, profile)


async def finish(sessions, campaign_id: int, profile=US):
    async with unit_of_work(sessions) as session:
        return await finish_if_exhausted(session, campaign_id, profile, NOW)


async def test_final_contacts_are_counted_by_fate(sessions, world, add_contacts) -> None:
    c = world.campaign_id
    await add_contacts(c, 2, status=ContactStatus.DONE)
    await add_contacts(c, 1, status=ContactStatus.DO_NOT_CALL, on_dnc=True)
    await add_contacts(c, 1, status=ContactStatus.EXHAUSTED, attempts=3)
    await add_contacts(c, 1, status=ContactStatus.SCHEDULED, attempts=3)  # out of attempts all the same
    await add_contacts(c, 1, phone="+79161234567")  # new, but on the global list since the import
    async with unit_of_work(sessions) as session:
        session.add(DncEntry(client_id=None, phone="+79161234567", reason="asked"))
    assert await fates(sessions, c) == {Fate.DONE: 2, Fate.DO_NOT_CALL: 2, Fate.OUT_OF_ATTEMPTS: 2}


async def test_one_open_contact_is_enough_to_keep_dialing(sessions, world, add_contacts) -> None:
    c = world.campaign_id
    await add_contacts(c, 50, status=ContactStatus.DONE)
    for fields, fate in (
        ({"status": ContactStatus.NEW}, Fate.NEW),
        ({"status": ContactStatus.SCHEDULED, "attempts": 1}, Fate.RETRY),
        ({"status": ContactStatus.CALLBACK, "attempts": 3}, Fate.CALLBACK),  # callbacks go past the limit
        ({"status": ContactStatus.IN_PROGRESS, "lease_owner": "call:x"}, Fate.HELD),
    ):
        ids = await add_contacts(c, 1, **fields)
        assert await fates(sessions, c) == {fate: 1}
        assert (await finish(sessions, c)).exhausted is False
        async with unit_of_work(sessions) as session:
            from dialer.contacts.models import Contact

            (await session.get(Contact, ids[0])).status = ContactStatus.DONE


async def test_without_consent_a_contact_is_final_only_where_consent_is_required(
    sessions, world, add_contacts
) -> None:
    await add_contacts(world.campaign_id, 2)
    assert await fates(sessions, world.campaign_id, RU) == {Fate.NO_CONSENT: 2}
    assert await fates(sessions, world.campaign_id, US) == {Fate.NEW: 1}


async def test_an_exhausted_running_campaign_is_finished_with_its_time(sessions, world, add_contacts) -> None:
    await add_contacts(world.campaign_id, 3, status=ContactStatus.DONE)
    await add_contacts(world.other_campaign_id, 1)  # another campaign's contacts change nothing
    verdict = await finish(sessions, world.campaign_id)
    assert verdict is not None and verdict.exhausted and "3 done" in verdict.reason
    async with sessions() as session:
        campaign = await session.get(Campaign, world.campaign_id)
        other = await session.get(Campaign, world.other_campaign_id)
    assert campaign.state is CampaignState.FINISHED and campaign.finished_at == NOW
    assert other.state is CampaignState.RUNNING
    assert await finish(sessions, world.campaign_id) is None  # no longer running: nothing to do


async def test_a_call_ended_after_the_checks_clock_reading_is_not_after_the_finish(
    sessions, world, add_contacts
) -> None:
    """The engine reads its clock, then looks; a call that ended (and was written) in between must
    not end after the campaign finished."""
    ids = await add_contacts(world.campaign_id, 1, status=ContactStatus.EXHAUSTED)
    ended = NOW + timedelta(milliseconds=31)
    async with unit_of_work(sessions) as session:
        session.add(
            Call(
                call_uid="late-end",
                campaign_id=world.campaign_id,
                contact_id=ids[0],
                phone="+74950000000",
                attempt=1,
                placed_at=NOW - timedelta(minutes=1),
                ended_at=ended,
            )
        )
    verdict = await finish(sessions, world.campaign_id)
    assert verdict is not None and verdict.exhausted
    async with sessions() as session:
        campaign = await session.get(Campaign, world.campaign_id)
    assert campaign.finished_at == ended


async def test_an_open_call_record_or_a_paused_campaign_is_not_finished(
    sessions, world, add_contacts
) -> None:
    ids = await add_contacts(world.campaign_id, 1, status=ContactStatus.DONE)
    async with unit_of_work(sessions) as session:
        session.add(
            Call(
                call_uid="open-1",
                campaign_id=world.campaign_id,
                contact_id=ids[0],
                phone="+74950000000",
                attempt=1,
                placed_at=NOW - timedelta(minutes=1),
            )
        )
    verdict = await finish(sessions, world.campaign_id)
    assert verdict is not None and not verdict.exhausted and "still live" in verdict.reason
    async with unit_of_work(sessions) as session:
        (await session.get(Campaign, world.campaign_id)).state = CampaignState.PAUSED
    assert await finish(sessions, world.campaign_id) is None


async def test_a_pending_preview_dial_keeps_the_campaign_running(sessions, world, add_contacts) -> None:
    from dialer.preview.models import PreviewRequest

    ids = await add_contacts(world.campaign_id, 1, status=ContactStatus.DONE)
    async with unit_of_work(sessions) as session:
        session.add(
            PreviewRequest(
                campaign_id=world.campaign_id,
                operator_id=world.operator_ids[0],
                contact_id=ids[0],
                requested_at=NOW,
            )
        )
    verdict = await finish(sessions, world.campaign_id)
    assert verdict is not None and not verdict.exhausted and "preview" in verdict.reason
