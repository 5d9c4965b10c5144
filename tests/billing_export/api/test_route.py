"""``GET /clients/{id}/billing-export``: the file, its name, who may have it, and the audit row."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.models import Role
from dialer.billing_export.layout import COLUMNS
from tests.billing_export.world import CallSpec, at, seed

s = timedelta(seconds=1)


@pytest.fixture
async def worlds(app):
    sessions = app.state.sessions
    terms = {"rate": Decimal("2.40"), "talk_increment_s": 60}  # per started minute
    ours = await seed(
        sessions,
        {"RM-1": terms},
        {"Autumn": "RM-1"},
        [CallSpec("Autumn", at(2), 61 * s), CallSpec("Autumn", at(3), 30 * s, operator="Boris")],
    )
    theirs = await seed(
        sessions,
        {"VS-1": terms},
        {"Spring": "VS-1"},
        [CallSpec("Spring", at(2), 10 * s, operator="Vera")],
        name="Vasilek",
        operators=["Vera"],
    )
    return ours, theirs


def rows_of(response) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == list(COLUMNS)
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


async def test_a_month_as_csv_with_its_file_name_and_an_audit_row(app, client, admin, worlds):
    ours, _ = worlds
    response = await client.get(f"/clients/{ours.client_id}/billing-export?month=2026-11", headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="billing-client-{ours.client_id}-2026-11.csv"'
    )
    rows = rows_of(response)
    assert [(r["call id"], r["billable units"], r["amount"]) for r in rows] == [
        (str(ours.calls[0]), "2", "4.80"),
        (str(ours.calls[1]), "1", "2.40"),
        ("total", "3", "7.20"),
    ]
    async with app.state.sessions() as session:
        events = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "billing_export"))
        )
    assert [(e.action, e.client_id, e.detail["period"], e.detail["format"]) for e in events] == [
        (AuditAction.EXPORT, ours.client_id, "2026-11", "csv")
    ]
    assert events[0].detail["contracts"] == ["RM-1"]


async def test_xlsx_and_days(client, admin, worlds):
    ours, _ = worlds
    url = f"/clients/{ours.client_id}/billing-export?from=2026-11-03&to=2026-11-03&format=xlsx"
    response = await client.get(url, headers=admin)
    assert response.status_code == 200, response.text
    assert "spreadsheetml" in response.headers["content-type"]
    assert response.headers["content-disposition"].endswith('-2026-11-03_2026-11-03.xlsx"')
    sheet = list(
        openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)["RM-1"].iter_rows(
            values_only=True
        )
    )
    assert [row[1] for row in sheet[1:]] == [ours.calls[1], "total"]


async def test_comma_separated(client, admin, worlds):
    ours, _ = worlds
    response = await client.get(
        f"/clients/{ours.client_id}/billing-export?month=2026-11&delimiter=,", headers=admin
    )
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("contract,call id,calls,")


async def test_a_controller_has_its_own_client_and_no_other(client, login, worlds):
    ours, theirs = worlds
    controller = await login(Role.CONTROLLER, client_id=ours.client_id)
    own = await client.get(f"/clients/{ours.client_id}/billing-export?month=2026-11", headers=controller)
    assert own.status_code == 200
    assert [r["call id"] for r in rows_of(own)][-1] == "total"
    other = await client.get(f"/clients/{theirs.client_id}/billing-export?month=2026-11", headers=controller)
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("query", "complaint"),
    [
        ("", "give month=YYYY-MM, or both from and to"),
        ("?month=2026-13", "month"),
        ("?month=2026-11&from=2026-11-01&to=2026-11-02", "either month or from/to"),
        ("?from=2026-11-05&to=2026-11-01", "before from"),
    ],
)
async def test_a_bad_period_is_refused_saying_why(client, admin, worlds, query, complaint):
    ours, _ = worlds
    response = await client.get(f"/clients/{ours.client_id}/billing-export{query}", headers=admin)
    assert response.status_code == 422
    assert complaint in response.text


async def test_a_client_without_a_per_minute_contract_in_force(client, admin, worlds):
    ours, _ = worlds
    response = await client.get(f"/clients/{ours.client_id}/billing-export?month=2025-11", headers=admin)
    assert response.status_code == 404
    assert "no per-talk-minute contract" in response.text
