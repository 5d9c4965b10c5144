"""The daily report through the API (every format, scoped to the controller's client), its recipients,
and the daily job that sends it by e-mail (a real SMTP server) and to the client's webhook."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook

from dialer.auth.models import Role
from dialer.delivery.smtp import SmtpConfig
from dialer.delivery.webhook import verify
from dialer.jobs.definition import JobContext
from dialer.mail.dispatcher import MailDispatcher
from dialer.operators.models import OperatorState
from dialer.reports.daily_job import send_daily_reports
from dialer.settings import Settings
from tests.hotleads.receiver import Receiver
from tests.mail.smtp_server import SmtpServer
from tests.reports.world import add_call, add_states, make_world

DAY = date(2026, 11, 26)


class ReportReceiver(Receiver):
    """The client's CRM taking reports: checks the signature, keeps each report once by its id."""

    def _accept(self, headers: dict[str, str], body: bytes) -> int:
        if not verify(
            self.secret, headers.get("x-dialer-timestamp", ""), body, headers.get("x-dialer-signature", "")
        ):
            self.bad_signatures += 1
            return 401
        report_id = headers["x-dialer-report-id"]
        self.requests[report_id] += 1
        self.leads.setdefault(report_id, json.loads(body))
        return 200


def at(hh: int, mm: int = 0) -> datetime:
    return datetime.combine(DAY, time(hh, mm), UTC)


async def busy_day(sessions, **kwargs):
    world = await make_world(sessions, goals={"calls": 3, "leads": 1}, **kwargs)
    await add_call(sessions, world, at(9), talk=120, code="sale", recording=True)
    await add_call(sessions, world, at(9, 30), talk=60, code="not_interested", operator=1)
    await add_call(sessions, world, at(10))
    await add_states(sessions, world, 0, [(at(8), OperatorState.READY), (at(12), OperatorState.LOGGED_OUT)])
    return world


@pytest.fixture
def api_sessions(app):
    return app.state.sessions


async def test_the_report_in_every_format(client, admin, api_sessions):
    world = await busy_day(api_sessions)
    url = f"/campaigns/{world.campaign_id}/reports/daily"
    response = await client.get(url, params={"day": "2026-11-26"}, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totals"]["placed"] == 3 and body["totals"]["connected"] == 2
    assert body["totals"]["talk_seconds"] == 180.0 and body["totals"]["leads"] == 1
    assert [g["met"] for g in body["goals"]] == [True, True]
    (recording,) = body["recordings"]
    assert recording["url"] == f"http://dialer.test/recordings/{world.calls[0]}/audio"
    olga = next(o for o in body["operators"] if o["name"] == "Ольга Петрова")
    assert (olga["calls"], olga["logged_in_seconds"]) == (1, 4 * 3600.0)

    csv = await client.get(url, params={"day": "2026-11-26", "format": "csv"}, headers=admin)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("\ufeffИтоги / Summary") and "calls placed;3" in csv.text

    xlsx = await client.get(url, params={"day": "2026-11-26", "format": "xlsx"}, headers=admin)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "Итоги - Summary"
    assert [c.value for c in book.worksheets[0][2]] == ["calls placed", 3]

    page = await client.get(url, params={"day": "2026-11-26", "format": "html"}, headers=admin)
    assert page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text and "<script>" in page.text and "Ольга Петрова" in page.text
    assert "http" not in page.text.split("<body>")[1].replace("http://dialer.test/recordings", "")


async def test_bad_input_is_refused_saying_what(client, admin, api_sessions):
    world = await busy_day(api_sessions)
    url = f"/campaigns/{world.campaign_id}/reports/daily"
    response = await client.get(url, params={"day": "2026-11-26", "tz": "Nowhere/City"}, headers=admin)
    assert response.status_code == 422 and "tz: unknown time zone" in response.json()["detail"]
    assert (await client.get(url, params={"day": "26.11.2026"}, headers=admin)).status_code == 422


async def test_a_controller_reads_its_clients_reports_only(client, login, api_sessions):
    ours = await busy_day(api_sessions)
    theirs = await make_world(api_sessions, name="Василёк")
    headers = await login(Role.CONTROLLER, client_id=ours.client_id)
    own = await client.get(f"/campaigns/{ours.campaign_id}/reports/daily?day=2026-11-26", headers=headers)
    assert own.status_code == 200
    other = await client.get(f"/campaigns/{theirs.campaign_id}/reports/daily?day=2026-11-26", headers=headers)
    assert other.status_code == 404
    recipients = await client.get(f"/clients/{theirs.client_id}/report-recipients", headers=headers)
    assert recipients.status_code == 404


async def test_recipients_are_set_and_checked(client, admin, api_sessions):
    world = await make_world(api_sessions)
    url = f"/clients/{world.client_id}/report-recipients"
    assert (await client.get(url, headers=admin)).json()["emails"] == []
    bad = await client.put(url, json={"emails": ["boss@romashka.ru", "nobody"]}, headers=admin)
    assert bad.status_code == 422 and "emails[1]" in bad.text
    good = await client.put(url, json={"emails": ["boss@romashka.ru"], "daily_webhook": True}, headers=admin)
    assert good.status_code == 200
    assert (await client.get(url, headers=admin)).json() == {
        "client_id": world.client_id,
        "emails": ["boss@romashka.ru"],
        "daily_email": True,
        "daily_webhook": True,
        "monthly_email": True,
    }


async def test_the_daily_job_mails_yesterdays_report_and_posts_it_to_the_webhook(client, admin, app):
    receiver = ReportReceiver("whsec-reports")
    await receiver.start()
    smtp = SmtpServer()
    smtp.start()
    try:
        api_sessions = app.state.sessions
        world = await busy_day(api_sessions, webhook_url=receiver.url, secret="whsec-reports")
        quiet = await make_world(api_sessions, name="Тихий")  # placed no calls: no report
        await client.put(
            f"/clients/{world.client_id}/report-recipients",
            json={"emails": ["boss@romashka.ru"], "daily_webhook": True},
            headers=admin,
        )
        await client.put(
            f"/clients/{quiet.client_id}/report-recipients", json={"emails": ["q@t.ru"]}, headers=admin
        )
        settings = Settings(public_url="https://dialer.example")
        ctx = JobContext(
            settings,
            api_sessions,
            datetime.combine(DAY + timedelta(days=1), time(6, 5), UTC),
            DAY + timedelta(days=1),
        )
        summary = await send_daily_reports(ctx)
        assert summary == "2026-11-26: 1 campaigns, 1 e-mailed, 1 to webhooks"
        assert await send_daily_reports(ctx) == summary  # a re-run stores no second e-mail
        mail = MailDispatcher(api_sessions, SmtpConfig("127.0.0.1", smtp.port), clock=lambda: ctx.now)
        assert await mail.run_once() == 1
        assert await mail.run_once() == 0
    finally:
        smtp.stop()
        await receiver.stop()
    (message,) = smtp.messages
    assert message["To"] == "boss@romashka.ru"
    assert "2026-11-26" in message["Subject"]
    names = [a.get_filename() for a in message.iter_attachments()]
    assert names == [
        f"daily-{world.campaign_id}-2026-11-26.xlsx",
        f"daily-{world.campaign_id}-2026-11-26.csv",
    ]
    assert (
        f"https://dialer.example/recordings/{world.calls[0]}/audio"
        in message.get_body(("html",)).get_content()
    )
    assert "Звонков / calls placed: 3" in message.get_body(("plain",)).get_content()
    assert receiver.requests[f"daily-{world.campaign_id}-2026-11-26"] == 2  # the re-run posted again
    assert receiver.bad_signatures == 0
    posted = receiver.leads[f"daily-{world.campaign_id}-2026-11-26"]
    assert posted["type"] == "daily_report" and posted["totals"]["placed"] == 3
