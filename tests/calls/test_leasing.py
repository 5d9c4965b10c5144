"""Leasing contacts: only due, callable, permitted contacts, best first, never to two dialers at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from dialer.calls import leasing, service
from dialer.campaigns.models import Campaign, RecordingPolicy
from dialer.campaigns.profile import campaign_profile
from dialer.compliance import get_profile
from dialer.contacts.models import Contact, ContactStatus, DncEntry
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from tests.calls.conftest import NOW

MINUTE = timedelta(minutes=1)


async def lease(sessions, campaign_id, limit=10, *, owner="dialer-a", now=NOW, profile=None, **kwargs):
    async with unit_of_work(sessions) as session:
        campaign = await session.get(Campaign, campaign_id)
        return await leasing.lease_contacts(
            session,
            campaign=campaign,
            limit=limit,
            now=now,
            owner=owner,
            lease_for=5 * MINUTE,
            profile=profile or campaign_profile(campaign),
            **kwargs,
        )


async def contacts_by_id(sessions, ids):
    async with sessions() as session:
        rows = await session.scalars(select(Contact).where(Contact.id.in_(ids)))
        return {row.id: row for row in rows}


async def test_only_due_permitted_contacts_are_leased_callbacks_and_abandoned_first(
    sessions, world, add_contacts
):
    (plain,) = await add_contacts(world.campaign_id)
    (retry_due,) = await add_contacts(
        world.campaign_id, status=ContactStatus.SCHEDULED, next_attempt_at=NOW - MINUTE
    )
    (abandoned,) = await add_contacts(
        world.campaign_id,
        status=ContactStatus.SCHEDULED,
        next_attempt_at=NOW - MINUTE,
        last_outcome="abandoned",
    )
    (callback,) = await add_contacts(
        world.campaign_id, status=ContactStatus.CALLBACK, next_attempt_at=NOW - MINUTE, attempts=5
    )
    await add_contacts(world.campaign_id, status=ContactStatus.SCHEDULED, next_attempt_at=NOW + MINUTE)
    await add_contacts(world.campaign_id, status=ContactStatus.CALLBACK, next_attempt_at=NOW + MINUTE)
    await add_contacts(world.campaign_id, status=ContactStatus.DONE)
    await add_contacts(world.campaign_id, on_dnc=True)
    await add_contacts(world.campaign_id, status=ContactStatus.SCHEDULED, attempts=3)
    await add_contacts(world.other_campaign_id)
    leased = await lease(sessions, world.campaign_id)
    assert [c.id for c in leased] == [callback, abandoned, retry_due, plain]
    assert all(c.status is ContactStatus.IN_PROGRESS and c.lease_owner == "dialer-a" for c in leased)
    assert leased[0].lease_expires_at == NOW + 5 * MINUTE
    assert await lease(sessions, world.campaign_id, owner="dialer-b") == []


async def test_a_number_put_on_a_list_after_import_still_blocks(sessions, world, add_contacts):
    blocked_global, blocked_client, fine = await add_contacts(world.campaign_id, 3)
    rows = await contacts_by_id(sessions, [blocked_global, blocked_client])
    async with unit_of_work(sessions) as session:  # written straight to the lists: contacts not marked
        session.add(DncEntry(client_id=None, phone=rows[blocked_global].phone))
        session.add(DncEntry(client_id=world.client_id, phone=rows[blocked_client].phone))
    assert [c.id for c in await lease(sessions, world.campaign_id)] == [fine]


async def test_another_clients_list_does_not_block(sessions, world, add_contacts):
    (contact_id,) = await add_contacts(world.campaign_id)
    phone = (await contacts_by_id(sessions, [contact_id]))[contact_id].phone
    async with unit_of_work(sessions) as session:
        campaign = await session.get(Campaign, world.other_campaign_id)
        session.add(DncEntry(client_id=campaign.client_id, phone=phone))
    assert [c.id for c in await lease(sessions, world.campaign_id)] == [contact_id]


async def test_calling_hours_are_the_contacts_own_and_closed_contacts_wait_for_their_window(
    sessions, world, add_contacts
):
    (moscow,) = await add_contacts(world.campaign_id)  # 15:00 local
    (vladivostok,) = await add_contacts(world.campaign_id, timezone="Asia/Vladivostok")  # 22:00 local
    (mobile,) = await add_contacts(world.campaign_id, timezone=None, phone="+79161234567")  # zone unknown
    assert [c.id for c in await lease(sessions, world.campaign_id)] == [moscow]
    rows = await contacts_by_id(sessions, [vladivostok, mobile])
    assert rows[vladivostok].next_attempt_at == NOW.replace(hour=23)  # 09:00 on Saturday in Vladivostok
    assert rows[vladivostok].status is ContactStatus.NEW
    # a Russian mobile may be anywhere from UTC+2 to UTC+12: only 07:00-09:00 UTC is 09-21 everywhere
    assert rows[mobile].next_attempt_at == (NOW + timedelta(days=1)).replace(hour=7)
    assert await lease(sessions, world.campaign_id, owner="b", now=NOW + timedelta(hours=10)) == []
    later = await lease(sessions, world.campaign_id, owner="b", now=NOW.replace(hour=23))
    assert [c.id for c in later] == [vladivostok]
    morning = await lease(
        sessions, world.campaign_id, owner="b", now=(NOW + timedelta(days=1)).replace(hour=8)
    )
    assert [c.id for c in morning] == [mobile]


async def test_the_russian_profile_dials_only_consenting_contacts_for_advertising(
    sessions, world, add_contacts
):
    await add_contacts(world.campaign_id)
    (agreed,) = await add_contacts(world.campaign_id, consent=True)
    assert [c.id for c in await lease(sessions, world.campaign_id, profile=get_profile("ru"))] == [agreed]


async def test_a_callback_for_one_operator_waits_until_that_operator_is_ready(sessions, world, add_contacts):
    olga, ivan = world.operator_ids
    (callback,) = await add_contacts(
        world.campaign_id,
        status=ContactStatus.CALLBACK,
        next_attempt_at=NOW - MINUTE,
        callback_operator_id=olga,
    )
    assert await lease(sessions, world.campaign_id, ready_operator_ids=[ivan]) == []
    assert [c.id for c in await lease(sessions, world.campaign_id, ready_operator_ids=[olga, ivan])] == [
        callback
    ]


async def test_leases_are_renewed_released_and_expire_with_attempts_kept(sessions, world, add_contacts):
    fresh, tried, used_up = await add_contacts(world.campaign_id, 3)
    async with unit_of_work(sessions) as session:
        for contact_id, attempts in ((tried, 1), (used_up, 2)):
            (await session.get(Contact, contact_id)).attempts = attempts
    assert len(await lease(sessions, world.campaign_id)) == 3
    async with unit_of_work(sessions) as session:
        (await session.get(Contact, used_up)).attempts = 3  # the dialer placed its last call, then died
        assert await leasing.renew_leases(session, "dialer-a", NOW + MINUTE, 5 * MINUTE) == 3
        assert await leasing.release_contact(session, fresh, "dialer-a")
        assert not await leasing.release_contact(session, fresh, "dialer-a")
    assert await lease(sessions, world.campaign_id, owner="b", now=NOW + 5 * MINUTE) != []  # fresh again
    async with unit_of_work(sessions) as session:
        assert await leasing.expire_leases(session, NOW + 6 * MINUTE) == 0  # renewed until NOW + 6 min
        assert await leasing.expire_leases(session, NOW + 7 * MINUTE) == 2
    rows = await contacts_by_id(sessions, [tried, used_up])
    assert (rows[tried].status, rows[tried].attempts, rows[tried].lease_owner) == (
        ContactStatus.SCHEDULED,
        1,
        None,
    )
    assert rows[used_up].status is ContactStatus.EXHAUSTED


async def test_a_restarted_engine_gives_back_what_its_earlier_life_leased_and_never_dialed(
    sessions, world, add_contacts
):
    dialed, orphan, theirs = await add_contacts(world.campaign_id, 3)
    assert len(await lease(sessions, world.campaign_id, limit=2)) == 2  # "dialer-a": dialed, orphan
    assert len(await lease(sessions, world.campaign_id, owner="dialer-b")) == 1  # theirs
    async with unit_of_work(sessions) as session:  # "dialer-a" starts again; only `dialed` has a call
        assert await leasing.release_orphans(session, "dialer-a", [dialed]) == 1
    rows = await contacts_by_id(sessions, [dialed, orphan, theirs])
    orphaned = rows[orphan]
    assert (orphaned.status, orphaned.lease_owner, orphaned.attempts) == (ContactStatus.NEW, None, 0)
    assert (rows[dialed].status, rows[dialed].lease_owner) == (ContactStatus.IN_PROGRESS, "dialer-a")
    assert (rows[theirs].status, rows[theirs].lease_owner) == (ContactStatus.IN_PROGRESS, "dialer-b")


async def test_a_running_engines_sweep_returns_dead_leases_but_keeps_contacts_held_for_a_disposition(
    sessions, world, add_contacts
):
    dead, held, talking = await add_contacts(world.campaign_id, 3)
    assert len(await lease(sessions, world.campaign_id, owner="dialer-dead")) == 3
    async with unit_of_work(sessions) as session:
        (await session.get(Contact, held)).lease_owner = "call:c-1"  # talked; its disposition is late
        await service.create_call(  # the dead engine's call, maybe still talking in Asterisk
            session,
            campaign_id=world.campaign_id,
            contact_id=talking,
            phone="+74950000009",
            attempt=1,
            call_uid="c-open",
            trunk="t",
            pbx="p",
            placed_at=NOW,
            recording_policy=RecordingPolicy.CONNECTED,
        )
        assert await leasing.expire_leases(session, NOW + 6 * MINUTE, holds=False) == 1
    rows = await contacts_by_id(sessions, [dead, held, talking])
    assert (rows[dead].status, rows[dead].lease_owner) == (ContactStatus.NEW, None)
    assert (rows[held].status, rows[held].lease_owner) == (ContactStatus.IN_PROGRESS, "call:c-1")
    assert (rows[talking].status, rows[talking].lease_owner) == (ContactStatus.IN_PROGRESS, "dialer-dead")


async def test_two_dialers_on_two_engines_never_lease_the_same_contact(database_url, world, add_contacts):
    await add_contacts(world.campaign_id, 300)
    engines = [make_engine(database_url), make_engine(database_url)]
    try:
        makers = [make_sessionmaker(e) for e in engines]
        taken: list[list[int]] = [[], []]
        for round_ in range(200):
            if len(taken[0]) + len(taken[1]) >= 300:
                break
            now = NOW + round_ * timedelta(seconds=1)
            results = await asyncio.gather(
                *(lease(makers[i], world.campaign_id, 6, owner=f"dialer-{i}", now=now) for i in (0, 1))
            )
            for i, contacts in enumerate(results):
                taken[i].extend(c.id for c in contacts)
        everything = taken[0] + taken[1]
        assert len(everything) == len(set(everything)) == 300
        assert taken[0] and taken[1], "both dialers got work"
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_released_or_expired_callback_stays_a_callback_past_max_attempts(
    sessions, world, add_contacts
):
    (callback,) = await add_contacts(
        world.campaign_id,
        status=ContactStatus.CALLBACK,
        next_attempt_at=NOW - MINUTE,
        attempts=3,
        last_outcome="callback",
    )
    assert [c.id for c in await lease(sessions, world.campaign_id)] == [callback]
    async with unit_of_work(sessions) as session:
        assert await leasing.release_contact(session, callback, "dialer-a")
    assert (await contacts_by_id(sessions, [callback]))[callback].status is ContactStatus.CALLBACK
    assert [c.id for c in await lease(sessions, world.campaign_id, owner="b")] == [callback]
    async with unit_of_work(sessions) as session:
        assert await leasing.expire_leases(session, NOW + timedelta(hours=1)) == 1
    assert (await contacts_by_id(sessions, [callback]))[callback].status is ContactStatus.CALLBACK
