"""The supervisor's page in a real headless Chromium (Debian's ``chromium``, driven by Playwright):
a supervisor signs in, sees an operator's state change arrive live, pauses the campaign and starts
a listen on a call; the screenshot in the README is taken here."""

from __future__ import annotations

from sqlalchemy import select

from dialer.db.engine import unit_of_work
from dialer.demo.data import SUPERVISOR as SUPERVISOR_PRINCIPAL
from dialer.operators import sessions as operator_sessions
from dialer.operators.models import OperatorState, OperatorStatus
from pbxsim import CustomerScript, Scenario
from tests.e2e.browser import SCREENSHOTS, VIEWPORT, chromium, needs_chromium
from tests.e2e.harness import PASSWORD, USER, api_call, running_stack, until

pytestmark = needs_chromium

SOFTPHONE = "1009"  # the supervisor's own, in no queue
WAIT_MS = 120_000  # generous: the limit only matters when something is wrong


async def test_a_supervisor_sees_the_floor_live_pauses_the_campaign_and_listens(
    database_url, sessions, tmp_path
):
    scenario = Scenario(seed=11)
    phones = [f"+7916200{i:04d}" for i in range(2)]
    for phone in phones:
        scenario.customers[phone.lstrip("+")] = CustomerScript("answer", ring=1.0, talk=900, amd="human")
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": phones},
        endpoints=("1001", "1002", "1003"),
        speed=1.0,
    ) as stack:
        stack.sim.operator(SOFTPHONE, queues=())
        await api_call(stack, "GET", "/auth/me")  # the supervisor's account exists from here on
        campaign_id = stack.demo.campaign_id

        async def statuses() -> list[OperatorStatus]:
            async with sessions() as session:
                return list(await session.scalars(select(OperatorStatus)))

        async def both_talking() -> bool:
            return sum(s.state is OperatorState.ON_CALL for s in await statuses()) == 2

        await until(both_talking)
        idle = next(s.operator_id for s in await statuses() if s.state is OperatorState.READY)

        async with chromium() as browser:
            page = await browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(WAIT_MS)
            await page.goto(f"{stack.service.url}/supervisor?lang=en")
            await page.fill("#username", USER)
            await page.fill("#password", PASSWORD)
            await page.click("#sign-in-form button[type=submit]")
            await page.wait_for_selector("#operators tr[data-state='on_call'] button[data-action='listen']")

            # an operator goes on a break (from their own page): the wallboard hears it from the stream
            async with unit_of_work(sessions) as session:
                await operator_sessions.pause(session, SUPERVISOR_PRINCIPAL, idle, "lunch", stack.now())
            await page.wait_for_selector(f"tr[data-operator='{idle}'][data-live-state='paused']")

            await page.click(f"article[data-campaign-id='{campaign_id}'] button[data-command='pause']")
            await page.wait_for_selector(
                f"article[data-campaign-id='{campaign_id}'] .badge[data-campaign='paused']"
            )
            assert (await api_call(stack, "GET", f"/campaigns/{campaign_id}"))["state"] == "paused"

            await page.fill("#endpoint", SOFTPHONE)
            talking = page.locator("#operators tr[data-state='on_call']").first
            spied = await talking.get_attribute("data-operator")
            await talking.locator("button[data-action='listen']").click()
            await page.wait_for_selector("#spy-status[data-status='active']")
            leg = next(c for c in stack.sim.pbx.channels.live.values() if c.endpoint == SOFTPHONE)
            assert (leg.context, leg.exten, leg.application) == ("dialer-supervisor", "listen", "ChanSpy")
            async with sessions() as session:
                status = await session.get(OperatorStatus, int(spied or 0))
                assert status is not None and status.held_channel is not None
            assert leg.variables["SPYTARGET"].startswith("PJSIP/")

            await page.wait_for_selector("#chart-calls svg")
            await page.wait_for_selector("#chart-occupancy svg")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / "supervisor.png"))
