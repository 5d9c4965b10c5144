"""The dialplans the simulator runs: the product's own (``asterisk-conf/extensions.conf``) and the
lab's (``../shared/asterisk-traces/lab-conf/extensions.conf``), the latter so that replaying a
capture's own Originate against the simulator can be compared event for event.

Each coroutine mirrors one context priority by priority; keep them in step with the .conf files.
"""

from __future__ import annotations

from pbxsim.channel import Channel
from pbxsim.dialplan import Apps, Dialplan, Handler

# The channel variables and FastAGI routes shared with the product (agi/variables.py, asterisk-conf/).
CALL_ID = "DIALER_CALL_ID"
ROUTE = "AGI_ROUTE"  # operator | queue | message | abandon | hangup (| survey)
OPERATOR = "AGI_OPERATOR"  # endpoint to Dial (route operator, ringing)
BRIDGE = "AGI_BRIDGE"  # the operator's held ConfBridge (route operator, nailed-up)
QUEUE = "AGI_QUEUE"
MESSAGE = "AGI_MESSAGE"
ROUTES = ("operator", "queue", "hangup", "abandon", "message", "survey")


def _conf(apps: Apps) -> str:
    return apps.var("CONF") or f"op{apps.var('OPERATOR')}"


def _spy(options: str) -> Handler:
    """A supervisor's leg: ChanSpy on the operator channel named by SPYTARGET, then Hangup()."""

    async def spy(apps: Apps, ch: Channel) -> None:
        await apps.chanspy(apps.var("SPYTARGET"), options)
        apps.hangup()

    return spy


def product_dialplan() -> Dialplan:
    """The product's contexts (asterisk-conf/extensions.conf), priority for priority."""
    dp = Dialplan()

    def ended(ch: Channel, cause: int) -> str:
        return f"dialer call {ch.var(CALL_ID)} ended cause={cause}"

    @dp.extension("dialer-record", "s")
    async def record(apps: Apps, ch: Channel) -> None:
        """MixMonitor per the campaign's policy; ARG1 ``b``: bridged time only (from the connect)."""
        legs = apps.var("DIALER_RECORD_LEGS") == "yes"
        apps.gotoif(legs, "legs", None)
        base = f"{apps.var('DIALER_RECDIR')}/{ch.uniqueid}"
        options = apps.var("ARG1")
        if legs:
            apps.jump(4)
            options += f"r({base}-customer.wav)t({base}-operator.wav)"
        apps.mixmonitor(f"{base}.wav", options)
        apps.gosub_return()

    async def record_if(apps: Apps, policy: str, options: str) -> None:
        wanted = apps.var("DIALER_RECORD") == policy
        args = f"({options})" if options else ""
        await apps.gosubif(wanted, f"dialer-record,s,1{args}", ("dialer-record", "s", 1), record, (options,))

    @dp.extension("dialer-customer", "s")
    async def customer(apps: Apps, ch: Channel) -> None:
        apps.noop(
            f"dialer call {apps.var(CALL_ID)} campaign={apps.var('CAMPAIGN_ID')} lead={apps.var('LEAD_ID')}"
        )
        await record_if(apps, "all", "")
        skip_amd = apps.var("DIALER_AMD") == "no"
        apps.gotoif(skip_amd, "ask", None)
        if skip_amd:
            apps.jump(5)
        else:
            await apps.amd()
        await apps.agi(f"{apps.var('DIALER_AGI')}/amd", [])
        route = apps.var(ROUTE)
        apps.goto(f"dialer-route-{route or 'fallback'}", "s", 1)

    @dp.extension("dialer-route-operator", "s")
    async def to_operator(apps: Apps, ch: Channel) -> None:
        await record_if(apps, "connected", "b")
        bridge = apps.var(BRIDGE)
        apps.gotoif(not bridge, "dial", None)
        if bridge:
            await apps.confbridge(bridge, "dialer_bridge", "dialer_customer", "dialer_menu")
            apps.hangup()
        apps.jump(5)
        await apps.dial(apps.var(OPERATOR), float(apps.var("DIALER_OPERATOR_RING")))
        apps.hangup()

    @dp.extension("dialer-route-queue", "s")
    async def to_queue(apps: Apps, ch: Channel) -> None:
        await record_if(apps, "connected", "b")
        await apps.queue(apps.var(QUEUE) or "sales", float(apps.var("DIALER_QUEUE_TIMEOUT")))
        apps.goto("dialer-route-abandon", "s", 1)

    @dp.extension("dialer-route-abandon", "s")
    async def abandon(apps: Apps, ch: Channel) -> None:
        await apps.agi(f"{apps.var('DIALER_AGI')}/abandon", [])
        apps.hangup()

    @dp.extension("dialer-route-survey", "s")
    async def survey(apps: Apps, ch: Channel) -> None:
        apps.set(ROUTE, "hangup")
        await apps.agi(f"{apps.var('DIALER_AGI')}/survey", [])
        apps.goto(f"dialer-route-{apps.var(ROUTE)}", "s", 1)

    @dp.extension("dialer-route-message", "s")
    async def message(apps: Apps, ch: Channel) -> None:
        await apps.playback(apps.var(MESSAGE) or "dialer/message")
        apps.hangup()

    @dp.extension("dialer-route-fallback", "s")
    async def fallback(apps: Apps, ch: Channel) -> None:
        apps.cel_user_event("dialer-fallback", f"{apps.var('AMDSTATUS')}/{apps.var('AMDCAUSE')}")
        await apps.playback(apps.var("DIALER_ABANDON_MESSAGE"))
        apps.hangup()

    @dp.extension("dialer-route-hangup", "s")
    async def hangup(apps: Apps, ch: Channel) -> None:
        apps.hangup()

    for mode, options in (("listen", "qE"), ("whisper", "qwE"), ("barge", "qBE")):
        dp.add("dialer-supervisor", mode, _spy(options))

    @dp.extension("dialer-operator-login", "_X.")
    async def operator_login(apps: Apps, ch: Channel) -> None:
        await apps.confbridge(f"op{ch.exten}", "dialer_bridge", "dialer_operator", "dialer_menu")
        apps.hangup()

    for context in ("dialer-customer", "dialer-route-fallback", *(f"dialer-route-{r}" for r in ROUTES)):
        dp.on_hangup(context, ended)
    return dp


def lab_dialplan() -> Dialplan:
    """The lab's contexts that the captures ran through (lab-conf/extensions.conf)."""
    dp = Dialplan()

    @dp.extension("dialer-nailed-agi", "s")
    async def nailed_agi(apps: Apps, ch: Channel) -> None:
        apps.noop(f"Customer answered {ch.name} lead={apps.var('LEAD_ID')} operator={apps.var('OPERATOR')}")
        await apps.agi(
            f"{apps.var('AGIURL')}/nailed?campaign={apps.var('CAMPAIGN_ID')}", [apps.var("LEAD_ID")]
        )
        apps.noop(f"AGISTATUS={apps.var('AGISTATUS')} CONF={apps.var('CONF')}")
        apps.goto("dialer-nailed-join", "s", 1)

    @dp.extension("dialer-nailed-join", "s")
    async def nailed_join(apps: Apps, ch: Channel) -> None:
        conf = _conf(apps)
        apps.noop(f"Customer {ch.name} -> ConfBridge {conf}")
        apps.mixmonitor(f"{apps.var('RECDIR')}/nail-{ch.uniqueid}.wav", "b")
        result = await apps.confbridge(conf, "op_bridge", "cust_user", "quiet_menu")
        apps.noop(f"Customer left ConfBridge: CONFBRIDGE_RESULT={result}")
        apps.hangup()

    dp.on_hangup("dialer-nailed-join", lambda ch, cause: f"customer hangup: cause={cause}")

    @dp.extension("dialer-amd2", "s")
    async def amd2(apps: Apps, ch: Channel) -> None:
        apps.noop(f"AMD2 on {ch.name} args=,,,,,,")
        await apps.amd(",,,,,,")
        apps.noop(f"AMDSTATUS={apps.var('AMDSTATUS')} AMDCAUSE={apps.var('AMDCAUSE')}")
        apps.gotoif(
            apps.var("AMDSTATUS") == "HUMAN", "dialer-nailed-join,s,1", ("dialer-nailed-join", "s", 1)
        )
        apps.hangup()

    @dp.extension("operator-login", "_10XX")
    async def operator_login(apps: Apps, ch: Channel) -> None:
        apps.noop(f"Operator {ch.exten} nailed-up login on {ch.name}")
        result = await apps.confbridge(f"op{ch.exten}", "op_bridge", "op_user", "quiet_menu")
        apps.noop(f"Operator {ch.exten} left ConfBridge: CONFBRIDGE_RESULT={result}")
        apps.hangup()

    @dp.extension("dialer-answered", "s")
    async def answered(apps: Apps, ch: Channel) -> None:
        campaign, lead = apps.var("CAMPAIGN_ID"), apps.var("LEAD_ID")
        apps.noop(f"Customer answered: {ch.name} campaign={campaign} lead={lead}")
        apps.set("CDR(userfield)", f"campaign={campaign}/lead={lead}")
        await apps.agi(f"{apps.var('AGIURL')}/screen?campaign={campaign}", [lead, ch.caller_num])
        route = apps.var("AGI_ROUTE")
        apps.noop(f"AGISTATUS={apps.var('AGISTATUS')} AGI_ROUTE={route}")
        apps.gotoif(route == "operator", "dialer-operator,s,1", ("dialer-operator", "s", 1))
        apps.gotoif(route == "hangup", "bye", None)
        if route == "hangup":
            apps.jump(8)
            apps.hangup()
        apps.goto("dialer-queue", "s", 1)

    dp.on_hangup(
        "dialer-answered",
        lambda ch, cause: f"dialer-answered hangup: cause={cause} dialstatus={ch.var('DIALSTATUS')}",
    )

    @dp.extension("dialer-operator", "s")
    async def operator(apps: Apps, ch: Channel) -> None:
        apps.noop(f"Connect to operator {apps.var('OPERATOR')}")
        apps.mixmonitor(f"{apps.var('RECDIR')}/op-{ch.uniqueid}.wav", "b")
        await apps.dial(apps.var("OPERATOR") or "1001", 20)
        apps.noop(f"DIALSTATUS={apps.var('DIALSTATUS')}")
        apps.hangup()

    @dp.extension("dialer-queue", "s")
    async def queue(apps: Apps, ch: Channel) -> None:
        apps.noop("Into queue sales")
        apps.set("MIXMON_FILE", f"{apps.var('RECDIR')}/q-{ch.uniqueid}.wav")
        apps.mixmonitor(apps.var("MIXMON_FILE"), "b")
        await apps.queue("sales", 60)
        apps.noop(f"QUEUESTATUS={apps.var('QUEUESTATUS')}")
        apps.hangup()

    @dp.extension("dialer-amd", "s")
    async def amd(apps: Apps, ch: Channel) -> None:
        apps.noop(f"AMD on {ch.name}")
        await apps.amd()
        status = apps.var("AMDSTATUS")
        apps.noop(f"AMDSTATUS={status} AMDCAUSE={apps.var('AMDCAUSE')}")
        apps.gotoif(status == "MACHINE", "machine", None)
        if status == "MACHINE":
            apps.jump(6)
            apps.hangup()
        apps.goto("dialer-queue", "s", 1)

    @dp.extension("agi-test", "s")
    async def agi_test(apps: Apps, ch: Channel) -> None:
        apps.answer()
        await apps.agi(f"{apps.var('AGIURL')}/test", ["one", "two words"])
        apps.noop(f"AGISTATUS={apps.var('AGISTATUS')} FROM_AGI={apps.var('FROM_AGI')}")
        apps.hangup()

    @dp.extension("agi-slow", "s")
    async def agi_slow(apps: Apps, ch: Channel) -> None:
        apps.noop("slow AGI")
        await apps.agi(f"{apps.var('AGIURL')}/slow", [])
        apps.noop(f"AGISTATUS={apps.var('AGISTATUS')}")
        apps.hangup()

    @dp.extension("operator-wait", "_10XX")
    async def operator_wait(apps: Apps, ch: Channel) -> None:
        apps.noop(f"Operator {ch.exten} waiting outside ConfBridge")
        await apps.wait(120)
        apps.noop(f"Operator {ch.exten} back in dialplan after Wait/Bridge -> re-enter ConfBridge")
        apps.goto("operator-login", ch.exten, 1)

    @dp.extension("dialer-park", "s")
    async def park(apps: Apps, ch: Channel) -> None:
        apps.noop(f"Customer parked {ch.name} lead={apps.var('LEAD_ID')}")
        await apps.wait(60)
        apps.noop("Customer back in dialplan after Wait/Bridge")
        apps.hangup()

    for mode, options in (("listen", "qE"), ("whisper", "qwE"), ("barge", "qBE")):
        dp.add("supervisor", mode, _spy(options))

    @dp.extension("lab-hold", "s")
    async def hold(apps: Apps, ch: Channel) -> None:
        apps.answer()
        await apps.wait(60)
        apps.hangup()

    @dp.extension("lab-redirected", "s")
    async def redirected(apps: Apps, ch: Channel) -> None:
        apps.noop(f"Redirected here: {ch.name}")
        await apps.wait(30)
        apps.hangup()

    return dp


def default_dialplan() -> Dialplan:
    """Both: the product's contexts, and the lab's for replaying captures."""
    return product_dialplan().merged(lab_dialplan())
