"""Preview mode on the operator's page, in headless Chromium against the service and the simulator:
the page offers the next contact with the filled script, Skip gives it back and offers the next,
Call dials it, the call put through shows on the same card, and the code is set with its key."""

from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy import select, update

from dialer.accounts import service as auth
from dialer.auth.models import Role
from dialer.auth.schemas import UserCreate
from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.contacts.models import Contact, ContactStatus
from dialer.dialing_modes import DialMode
from dialer.operators.models import Operator
from pbxsim import CustomerScript, Scenario
from tests.e2e.browser import VIEWPORT, chromium, needs_chromium
from tests.e2e.harness import running_stack, until

pytestmark = needs_chromium

FIRST, SECOND = "+79162220001", "+79162220002"
USERNAME, PASSWORD = "boris.operator", "boris-password-1234"
PATIENCE_MS = 60_000


async def prepare(session, campaign_id: int) -> None:
    for phone, name in ((FIRST, "Пётр Первый"), (SECOND, "Вера Вторая")):
        await session.execute(update(Contact).where(Contact.phone == phone).values(name=name))
    await session.execute(
        update(Campaign).where(Campaign.id == campaign_id).values(script="Добрый день, {name}!")
    )
    user = await auth.create_user(
        session, None, UserCreate(username=USERNAME, password=SecretStr(PASSWORD), role=Role.OPERATOR)
    )
    await session.execute(update(Operator).where(Operator.sip_endpoint == "1001").values(user_id=user.id))


async def test_an_operator_previews_skips_calls_and_disposes_on_the_page(database_url, sessions, tmp_path):
    scenario = Scenario(seed=17)
    for phone in (FIRST, SECOND):
        scenario.customers[phone.lstrip("+")] = CustomerScript(
            "answer", ring=2.0, talk=6.0, amd="machine", hangup_by="customer"
        )  # a preview call never asks AMD: "machine" would only show if it did
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": [FIRST, SECOND]},
        mode=DialMode.PREVIEW,
        endpoints=("1001",),
        prepare=prepare,
    ) as stack:
        await stack.operators.stop(log_out=True)
        assert stack.service.runtime is not None
        floor = stack.service.runtime.engine.floor
        async with chromium() as browser:
            context = await browser.new_context(viewport=VIEWPORT, locale="en-US")
            page = await context.new_page()
            await page.goto(f"{stack.service.url}/operator")
            await page.fill("#username", USERNAME)
            await page.fill("#password", PASSWORD)
            await page.click("#sign-in-form button[type=submit]")
            await page.locator("#login").click(timeout=PATIENCE_MS)

            async def held() -> bool:
                op = floor.operator("1001")
                return op is not None and op.held

            await until(held)
            await page.click("#ready")
            await page.locator("#preview-next").click(timeout=PATIENCE_MS)
            await page.locator("#card-name", has_text="Пётр Первый").wait_for(timeout=PATIENCE_MS)
            assert await page.text_content("#script") == "Добрый день, Пётр Первый!"
            await page.click("#preview-skip")  # given back, attempts unchanged (it may be offered again)
            await page.locator("#card-body").wait_for(state="hidden", timeout=PATIENCE_MS)
            await page.locator("#preview-next").click(timeout=PATIENCE_MS)
            await page.locator("#preview-call").wait_for(timeout=PATIENCE_MS)
            offered = await page.text_content("#card-name")
            await page.click("#preview-call")
            await page.locator("#card[data-call-id]").wait_for(timeout=PATIENCE_MS)
            assert await page.text_content("#card-name") == offered
            assert await page.text_content("#script") == f"Добрый день, {offered}!"
            await page.locator("#hangup").wait_for(
                state="hidden", timeout=PATIENCE_MS
            )  # the customer hung up
            await page.keyboard.press("3")  # not interested
            await page.click("#save")
            await page.locator("#card:not([data-call-id])").wait_for(timeout=PATIENCE_MS)
            await context.close()
        async with stack.sessions() as session:
            calls = list(
                await session.scalars(select(Call).where(Call.campaign_id == stack.demo.campaign_id))
            )
            skipped = await session.scalar(select(Contact).where(Contact.phone == FIRST))
            second = await session.scalar(select(Contact).where(Contact.phone == SECOND))
    [call] = calls  # only the click dialed
    assert call.phone == {"Пётр Первый": FIRST, "Вера Вторая": SECOND}[offered]
    assert call.disposition_code == "not_interested" and call.amd_status in (None, "UNKNOWN")
    other = second if call.phone == FIRST else skipped
    assert other is not None and other.attempts == 0 and other.status is not ContactStatus.DONE
