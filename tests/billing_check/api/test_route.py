"""``GET /contracts/{id}/pbx-check``: the bill against Asterisk's record, who may ask, the audit row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.models import Role
from tests.billing_check.world import month_of_calls, write_disputed_record, write_true_record


@pytest.fixture
def record_dir(app, tmp_path: Path) -> Path:
    folder = tmp_path / "dialer-record"
    folder.mkdir()
    app.state.settings = app.state.settings.model_copy(update={"pbx_record_dir": folder})
    return folder


@pytest.fixture
async def worlds(app):
    return await month_of_calls(app.state.sessions), await month_of_calls(app.state.sessions, "Vasilek")


async def test_each_differing_call_and_the_totals(app, client, admin, worlds, record_dir):
    ours, _ = worlds
    await write_disputed_record(app.state.sessions, ours, record_dir)
    contract = ours.contracts["Romashka-1"]
    response = await client.get(f"/contracts/{contract}/pbx-check?month=2026-11", headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("period", "calls", "matched", "differing", "missing", "agrees")} == {
        "period": "2026-11",
        "calls": 4,
        "matched": 1,
        "differing": 2,
        "missing": 1,
        "agrees": False,
    }
    assert (body["product_seconds"], body["record_seconds"]) == (103, 96)
    assert (body["product_billable_seconds"], body["record_billable_seconds"]) == (240, 240)
    calls = ours.calls
    assert [
        (d["call_id"], d["product_seconds"], d["record_seconds"], d["difference"], d["reason"])
        for d in body["differences"]
    ] == [
        (calls[1], 30, 20, -10, "seconds_differ"),
        (calls[2], 12, None, None, "missing_from_record"),
        (calls[3], 0, 15, 15, "bridged_not_connected"),
    ]
    async with app.state.sessions() as session:
        events = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.PBX_CHECK))
        )
    assert [(e.object_id, e.client_id, e.detail) for e in events] == [
        (
            str(contract),
            ours.client_id,
            {"period": "2026-11", "calls": 4, "matched": 1, "differing": 2, "missing": 1},
        )
    ]


async def test_a_controller_checks_its_own_contract_and_no_other(app, client, login, worlds, record_dir):
    ours, theirs = worlds
    await write_true_record(app.state.sessions, ours, record_dir)
    controller = await login(Role.CONTROLLER, client_id=ours.client_id)
    own = await client.get(
        f"/contracts/{ours.contracts['Romashka-1']}/pbx-check?month=2026-11", headers=controller
    )
    assert own.status_code == 200, own.text
    assert own.json()["agrees"] is True and own.json()["matched"] == 4 and own.json()["differences"] == []
    other = await client.get(
        f"/contracts/{theirs.contracts['Vasilek-1']}/pbx-check?month=2026-11", headers=controller
    )
    assert other.status_code == 404
    operator = await login(Role.OPERATOR)
    refused = await client.get(
        f"/contracts/{ours.contracts['Romashka-1']}/pbx-check?month=2026-13", headers=operator
    )
    assert refused.status_code == 403


async def test_a_bad_month_and_a_server_without_the_record(app, client, admin, worlds, tmp_path):
    ours, _ = worlds
    url = f"/contracts/{ours.contracts['Romashka-1']}/pbx-check"
    bad = await client.get(f"{url}?month=2026-13", headers=admin)
    assert bad.status_code == 422 and "month" in bad.text
    app.state.settings = app.state.settings.model_copy(update={"pbx_record_dir": tmp_path / "absent"})
    missing = await client.get(f"{url}?month=2026-11", headers=admin)
    assert missing.status_code == 409 and "DIALER_PBX_RECORD_DIR" in missing.text
