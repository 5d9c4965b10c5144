"""The operators' softphones through the API: provisioned in the PJSIP file as operators are created,
disabled and deleted; their settings (password included, every reading audited) as JSON, text and QR."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.models import Role
from pbxsim.pjsip_file import parse_endpoints
from tests.api.conftest import create_user, sign_in


def provisioned(app) -> dict[str, str | None]:
    path: Path = app.state.settings.effective_pjsip_operators_file
    return parse_endpoints(path.read_text()) if path.exists() else {}


async def make_operator(app, client, admin, login: str, endpoint: str) -> tuple[int, dict[str, str]]:
    user_id = await create_user(app, login, Role.OPERATOR)
    body = {"name": login.title(), "login": login, "sip_endpoint": endpoint, "user_id": user_id}
    response = await client.post("/operators", json=body, headers=admin)
    assert response.status_code == 201, response.text
    assert "sip_password" not in response.text and "password" not in response.json()
    return response.json()["id"], await sign_in(client, login)


async def test_an_operator_is_provisioned_at_creation_and_gone_when_disabled_or_deleted(app, client, admin):
    anna_id, _ = await make_operator(app, client, admin, "anna", "1001")
    boris_id, _ = await make_operator(app, client, admin, "boris", "1002")
    assert set(provisioned(app)) == {"1001", "1002"}
    assert app.state.settings.effective_pjsip_operators_file.stat().st_mode & 0o777 == 0o640

    assert (
        await client.patch(f"/operators/{anna_id}", json={"active": False}, headers=admin)
    ).status_code == 200
    assert set(provisioned(app)) == {"1002"}
    assert (
        await client.patch(f"/operators/{anna_id}", json={"active": True}, headers=admin)
    ).status_code == 200
    assert set(provisioned(app)) == {"1001", "1002"}
    renamed = await client.patch(f"/operators/{boris_id}", json={"sip_endpoint": "1012"}, headers=admin)
    assert renamed.status_code == 200
    assert set(provisioned(app)) == {"1001", "1012"}
    assert (await client.delete(f"/operators/{boris_id}", headers=admin)).status_code == 204
    assert set(provisioned(app)) == {"1001"}


async def test_an_operator_reads_their_own_softphone_settings_and_each_reading_is_audited(app, client, admin):
    anna_id, anna = await make_operator(app, client, admin, "anna", "1001")
    boris_id, boris = await make_operator(app, client, admin, "boris", "1002")

    response = await client.get(f"/operators/{anna_id}/softphone", headers=anna)
    assert response.status_code == 200, response.text
    settings = response.json()
    password = provisioned(app)["1001"]
    assert password and len(password) >= 24
    assert {k: settings[k] for k in ("server", "port", "transport", "username", "password")} == {
        "server": "127.0.0.1",  # no DIALER_SIP_PUBLIC_HOST: the AMI server's host
        "port": 5060,
        "transport": "udp",
        "username": "1001",
        "password": password,
    }
    assert settings["codecs"] == ["G.711 A-law (PCMA)", "G.711 u-law (PCMU)"]
    assert f"Password: {password}" in settings["text"]

    # Someone else's settings are not found for an operator; QA may not read any; a supervisor may.
    assert (await client.get(f"/operators/{boris_id}/softphone", headers=anna)).status_code == 404
    await create_user(app, "qa-olga", Role.QA)
    refused = await client.get(f"/operators/{anna_id}/softphone", headers=await sign_in(client, "qa-olga"))
    assert refused.status_code == 403
    await create_user(app, "super", Role.SUPERVISOR)
    supervisor = await sign_in(client, "super")
    assert (await client.get(f"/operators/{anna_id}/softphone", headers=supervisor)).json()[
        "password"
    ] == password

    text = await client.get(f"/operators/{anna_id}/softphone.txt", headers=anna)
    assert text.headers["content-type"].startswith("text/plain")
    assert text.headers["cache-control"] == "no-store"
    assert "Server (domain): 127.0.0.1\n" in text.text and f"Password: {password}\n" in text.text
    svg = await client.get(f"/operators/{anna_id}/softphone/qr.svg", headers=anna)
    assert svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"<path" in svg.content
    png = await client.get(f"/operators/{anna_id}/softphone/qr.png", headers=anna)
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n") and len(png.content) > 200

    async with app.state.sessions() as session:
        reveals = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.REVEAL))
        )
    assert [(e.object_type, e.object_id, e.detail["form"]) for e in reveals] == [
        ("softphone", str(anna_id), form) for form in ("json", "json", "text", "svg", "png")
    ]
    assert all(password not in str(e.detail) for e in reveals)
    assert boris  # boris signed in but never read anything: nothing audited for him


async def test_a_new_password_replaces_the_old_in_the_file(app, client, admin):
    anna_id, anna = await make_operator(app, client, admin, "anna", "1001")
    old = provisioned(app)["1001"]
    assert (await client.post(f"/operators/{anna_id}/softphone/password", headers=anna)).status_code == 403
    assert (await client.post(f"/operators/{anna_id}/softphone/password", headers=admin)).status_code == 204
    new = provisioned(app)["1001"]
    assert new and new != old
    assert (await client.get(f"/operators/{anna_id}/softphone", headers=anna)).json()["password"] == new


async def test_a_disabled_operator_has_no_softphone_settings(app, client, admin):
    anna_id, anna = await make_operator(app, client, admin, "anna", "1001")
    await client.patch(f"/operators/{anna_id}", json={"active": False}, headers=admin)
    response = await client.get(f"/operators/{anna_id}/softphone", headers=anna)
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"operator {anna_id} is disabled: no softphone account is provisioned"
    }
