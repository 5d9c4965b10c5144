"""The audit log's service: rows written in the caller's transaction, read back filtered and paged,
by the roles allowed to read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dialer.audit.models import AuditAction
from dialer.audit.service import Actor, Remote, list_events, record
from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.call_recordings.exporting import AUDIT_IDS_UP_TO, Selection, audit_detail
from dialer.call_recordings.search import RecordingFilter
from dialer.db.engine import unit_of_work
from dialer.errors import Forbidden

T0 = datetime(2026, 11, 27, 8, tzinfo=UTC)
ADMIN = Principal(Role.ADMIN, user_id=1)
QA = Principal(Role.QA, user_id=2)


async def test_events_are_kept_with_who_what_when_and_where(sessions):
    async with unit_of_work(sessions) as session:
        await record(
            session,
            QA,
            AuditAction.LISTEN,
            "recording",
            42,
            client_id=7,
            detail={"range": "0-99"},
            remote=Remote("10.0.0.5", "203.0.113.7", "Firefox"),
            at=T0,
        )
        await record(
            session, QA, AuditAction.DOWNLOAD, "recording", 43, client_id=7, at=T0 + timedelta(minutes=1)
        )
        await record(
            session, Actor("link:abc", "link"), AuditAction.LINK_ACCESS, "recording", 42, client_id=7, at=T0
        )
    async with sessions() as session:
        events, total = await list_events(session, ADMIN, actor="user:2")
        assert total == 2
        assert [e.action for e in events] == [AuditAction.DOWNLOAD, AuditAction.LISTEN]
        listen = events[1]
        assert (listen.at, listen.role, listen.client_id, listen.object_type, listen.object_id) == (
            T0,
            "qa",
            7,
            "recording",
            "42",
        )
        assert (listen.remote_addr, listen.forwarded_for, listen.user_agent) == (
            "10.0.0.5",
            "203.0.113.7",
            "Firefox",
        )
        assert listen.detail == {"range": "0-99"}

        by_object, _ = await list_events(session, ADMIN, object_type="recording", object_id="42")
        assert {e.actor for e in by_object} == {"user:2", "link:abc"}
        window, _ = await list_events(
            session, ADMIN, since=T0 + timedelta(seconds=30), until=T0 + timedelta(hours=1)
        )
        assert [e.object_id for e in window] == ["43"]
        page, total = await list_events(session, ADMIN, limit=1, offset=1)
        assert total == 3 and len(page) == 1


async def test_an_access_rolled_back_leaves_no_audit_row_and_vice_versa(sessions):
    with pytest.raises(RuntimeError):
        async with unit_of_work(sessions) as session:
            await record(session, QA, AuditAction.EXPORT, "recording", None, client_id=None)
            raise RuntimeError("the export failed before it started")
    async with sessions() as session:
        assert (await list_events(session, ADMIN))[1] == 0


async def test_only_admins_and_supervisors_read_the_log(sessions):
    async with sessions() as session:
        await list_events(session, Principal(Role.SUPERVISOR, user_id=3))
        for role in (Role.QA, Role.OPERATOR, Role.CONTROLLER):
            with pytest.raises(Forbidden):
                await list_events(session, Principal(role, user_id=4, client_id=1))


def test_a_large_export_is_audited_by_its_count_and_filter_not_every_id():
    small = audit_detail(Selection([], [1, 2, 3], {7}), None, 4)
    assert small == {"count": 3, "call_ids": [1, 2, 3], "requested": 4}
    many = list(range(AUDIT_IDS_UP_TO + 1))
    large = audit_detail(Selection([], many, {7}), RecordingFilter(client_id=7, disposition="sale"), None)
    assert large == {"count": len(many), "filter": {"client_id": 7, "disposition": "sale"}}
