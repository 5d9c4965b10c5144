"""The operator's page in a real headless Chromium against the whole service and the simulator: an
operator signs in, starts the shift and goes ready; a call is put through and the contact's card and
the filled script appear, pushed, within a second of the event; the operator hangs up from the page,
picks the callback code with its key, sets the time (shown in the contact's local time) and saves.
The screenshot in the README is taken here, so it stays current."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlalchemy import select, update

from dialer.accounts import service as auth
from dialer.auth.models import Role
from dialer.auth.schemas import UserCreate
from dialer.calls.models import Call, HangupSide
from dialer.campaigns.models import Campaign
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.live import publish
from dialer.operators.models import Operator
from pbxsim import CustomerScript, Scenario
from tests.e2e.browser import SCREENSHOTS, VIEWPORT, chromium, needs_chromium
from tests.e2e.harness import running_stack, until

pytestmark = needs_chromium

PHONE = "+79161230001"
USERNAME, PASSWORD = "anna.operator", "anna-password-1234"
SCRIPT = "Здравствуйте, {name}! Вы из компании «{company}», {city}? Предлагаем тариф {tariff}."
FILLED = "Здравствуйте, Анна Петрова! Вы из компании «Ромашка», Тверь? Предлагаем тариф Гигабит."
PATIENCE_MS = 60_000  # a generous deadline for what only matters when something is wrong
MOSCOW = ZoneInfo("Europe/Moscow")


async def prepare(session, campaign_id: int) -> None:
    """The one contact, not due until the operator is ready; the script; Anna's sign-in."""
    await session.execute(
        update(Contact)
        .where(Contact.campaign_id == campaign_id)
        .values(
            name="Анна Петрова",
            company="Ромашка",
            timezone="Asia/Yekaterinburg",
            data={"city": "Тверь", "tariff": "Гигабит", "contract_no": "A-17"},
            status=ContactStatus.SCHEDULED,
            next_attempt_at=datetime(2100, 1, 1, tzinfo=MOSCOW),
        )
    )
    await session.execute(update(Campaign).where(Campaign.id == campaign_id).values(script=SCRIPT))
    user = await auth.create_user(
        session, None, UserCreate(username=USERNAME, password=SecretStr(PASSWORD), role=Role.OPERATOR)
    )
    await session.execute(update(Operator).where(Operator.sip_endpoint == "1001").values(user_id=user.id))


async def test_an_operator_takes_a_call_on_the_page(database_url, sessions, tmp_path) -> None:
    scenario = Scenario(seed=13)
    scenario.customers[PHONE.lstrip("+")] = CustomerScript(
        "answer", ring=2.0, talk=3600.0, amd="human", hangup_by="customer"
    )  # talks for an hour unless the operator hangs up
    async with running_stack(
        database_url, sessions, tmp_path, scenario, {"UTC": [PHONE]}, endpoints=("1001",), prepare=prepare
    ) as stack:
        await stack.operators.stop(log_out=True)  # Anna drives operator 1001 from the page
        assert stack.service.runtime is not None
        floor = stack.service.runtime.engine.floor
        put_through: list[float] = []
        unsubscribe = publish.PUBLISHED.subscribe(
            lambda types: put_through.append(time.monotonic()) if "call_connected" in types else None
        )
        async with chromium() as browser:
            context = await browser.new_context(
                viewport=VIEWPORT, locale="ru-RU", timezone_id="Europe/Moscow"
            )
            page = await context.new_page()
            await page.goto(f"{stack.service.url}/operator")
            await page.fill("#username", USERNAME)
            await page.fill("#password", PASSWORD)
            await page.click("#sign-in-form button[type=submit]")
            await page.locator("#login").click(timeout=PATIENCE_MS)
            await page.locator("#state[data-state=paused]").wait_for(timeout=PATIENCE_MS)
            await page.locator("#live[data-state=on]").wait_for(timeout=PATIENCE_MS)

            async def held() -> bool:
                op = floor.operator("1001")
                return op is not None and op.held and op.registered is not False

            await until(held)  # the engine called Anna's softphone into her own bridge
            await page.click("#ready")
            await page.locator("#state[data-state=ready]").wait_for(timeout=PATIENCE_MS)

            async with unit_of_work(stack.sessions) as session:  # the contact falls due now
                await session.execute(
                    update(Contact).where(Contact.phone == PHONE).values(next_attempt_at=stack.now())
                )
            card = page.locator("#card[data-call-id]")
            await card.wait_for(timeout=PATIENCE_MS)
            shown = time.monotonic()
            assert put_through, "the card appeared without a call_connected event"
            assert shown - put_through[0] < 1.0, f"card shown {shown - put_through[0]:.2f} s after the event"
            assert await page.text_content("#card-name") == "Анна Петрова"
            assert await page.text_content("#script") == FILLED
            assert "A-17" in (await page.text_content("#card-fields") or "")
            await page.locator("#state[data-state=on_call]").wait_for(timeout=PATIENCE_MS)

            await page.click("#hangup")
            await page.locator("#hangup").wait_for(state="hidden", timeout=PATIENCE_MS)  # call_ended

            await page.keyboard.press("4")  # the fourth code of the campaign: callback
            assert await page.get_attribute("#dispositions [data-code=callback]", "aria-pressed") == "true"
            tomorrow = (datetime.now(MOSCOW) + timedelta(days=1)).replace(
                hour=11, minute=30, second=0, microsecond=0
            )
            await page.fill("#callback-at", tomorrow.strftime("%Y-%m-%dT%H:%M"))
            local = await page.text_content("#callback-local") or ""
            assert "13:30" in local and "Asia/Yekaterinburg" in local  # 11:30 in Moscow is 13:30 there
            await page.fill("#note", "Просит перезвонить завтра после обеда")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / "operator.png"))
            await page.click("#save")
            await page.locator("#card:not([data-call-id])").wait_for(timeout=PATIENCE_MS)
            await context.close()
        unsubscribe()

        async with stack.sessions() as session:
            call = await session.scalar(select(Call).where(Call.phone == PHONE))
            contact = await session.scalar(select(Contact).where(Contact.phone == PHONE))
    assert call is not None and contact is not None
    assert call.hangup_requested_at is not None and call.hangup_side is HangupSide.OPERATOR
    assert call.talk_seconds is not None and call.talk_seconds < 600  # hung up long before the hour
    assert call.disposition_code == "callback"
    assert call.disposition_note == "Просит перезвонить завтра после обеда"
    assert contact.status is ContactStatus.CALLBACK
    assert contact.next_attempt_at is not None and contact.next_attempt_at >= tomorrow.astimezone(
        MOSCOW
    ) - timedelta(seconds=1)
