"""asterisk-conf/ on a real Asterisk 22, with the product's own AMI client and FastAGI server.

Skipped unless an ``asterisk`` binary is found: ``DIALER_ASTERISK_BIN`` (when set, only that path is
tried, so ``DIALER_ASTERISK_BIN=/nonexistent`` forces the skip), else ``asterisk`` on ``PATH``, else
``/opt/asterisk/sbin/asterisk``. ``DIALER_ASTERISK_MODDIR`` overrides where its modules are (default:
``<prefix>/lib/asterisk/modules`` next to the binary when it exists, else the binary's built-in path).

The test copies asterisk-conf/*.conf into a temporary directory and changes only what a test run
must: free ports on 127.0.0.1 (AMI, SIP, FastAGI), the AMI secret, the carrier's placeholder host
(sip.carrier.example does not resolve) and the recordings folder; it adds two contexts standing
in for the customer's phone: ``dialer-test-answer`` answers and waits in silence,
``dialer-test-music`` answers and plays music on hold (sound for the recordings). It writes its
own asterisk.conf (every writable folder in the temporary directory) and logger.conf, and small
stand-ins for the distribution's files that asterisk-conf/README.md says to keep (cdr.conf,
musiconhold.conf...), so Asterisk's start-up log must be free of errors and warnings.

Then: every module of modules.conf runs, every context of extensions.conf is loaded, the product's
``AmiClient`` logs in as the least-privilege user of manager.conf, and Local channels originated
into ``dialer-customer`` reach the product's ``FastAgiServer`` (one of them through AMD() on a silent
line) and go where the engine's decision (``AGI_ROUTE``) says. A second run checks the recording
subroutine (``dialer-record``: the WAV files of each ``DIALER_RECORD`` / ``DIALER_RECORD_LEGS``
policy, ``connected`` through an operator's held ConfBridge) and the survey route. Another checks a
supervisor's listen, whisper and barge: ChanSpy through ``dialer-supervisor`` on the operator's own
leg. The operators' endpoints are the product's generated ``pjsip_operators.conf``; another test
provisions an operator through the product's ``Provisioner`` (file + AMI ``Reload`` of res_pjsip) and
sees Asterisk load the endpoint and accept a REGISTER with the generated password, then drop it once
the operator is disabled.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agi.routes import (
    AmdResult,
    AmdStatus,
    CallInfo,
    RouteDecision,
    Survey,
    SurveyOutcome,
    SurveyQuestion,
    product_routes,
)
from agi.server import AgiLimits, FastAgiServer
from ami.cel import read_calls
from ami.client import AmiClient
from ami.events import AmiEvent
from ami.facts import AmdVerdict, CallAnswered, CallConnected, CallHungUp, Fact, SpyStarted
from ami.settings import AmiSettings
from ami.tracked import TrackedCalls
from ami.tracker import CallTracker
from dialer.billing.talk_time import call_talk_seconds
from dialer.calls.models import CallOutcome
from dialer.engine.settle import Known, settle
from dialer.softphones.accounts import new_password
from dialer.softphones.pjsip_conf import SoftphoneAccount, render
from tests.agi.engine_double import InMemoryEngine
from tests.asterisk.sip_register import register

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "asterisk-conf"
DEFAULT_BINARY = Path("/opt/asterisk/sbin/asterisk")
SECRET = "test-secret-not-for-production"
BOOT_TIMEOUT = 30.0  # seconds for Asterisk to accept AMI logins on a loaded machine
STEP_TIMEOUT = 15.0  # seconds for a call to get where it should (AMD alone takes 5 s)
OPERATORS_FILE = "pjsip_operators.conf"  # what pjsip.conf #tryincludes, written by the product


def find_asterisk() -> Path | None:
    """The Asterisk binary to test with, or None (the test is then skipped)."""
    configured = os.environ.get("DIALER_ASTERISK_BIN")
    candidates = [configured] if configured else [shutil.which("asterisk"), str(DEFAULT_BINARY)]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


ASTERISK = find_asterisk()

pytestmark = [
    pytest.mark.asterisk,
    pytest.mark.skipif(
        ASTERISK is None,
        reason="no Asterisk binary: set DIALER_ASTERISK_BIN, put asterisk on PATH or install "
        f"{DEFAULT_BINARY}",
    ),
]


# ---- the configuration ---------------------------------------------------------------------------


def free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def module_dir(binary: Path) -> Path | None:
    configured = os.environ.get("DIALER_ASTERISK_MODDIR")
    if configured:
        return Path(configured)
    beside = binary.resolve().parent.parent / "lib" / "asterisk" / "modules"
    return beside if beside.is_dir() else None


def conf_modules() -> list[str]:
    """The modules asterisk-conf/modules.conf loads (without ``.so``)."""
    text = (CONF / "modules.conf").read_text()
    return re.findall(r"^\s*(?:load|require)\s*=>\s*(\S+?)\.so\b", text, re.M)


def conf_contexts() -> list[str]:
    text = (CONF / "extensions.conf").read_text()
    return [c for c in re.findall(r"^\[([^\]]+)\]", text, re.M) if c not in ("general", "globals")]


def substitute(text: str, pattern: str, replacement: str, name: str) -> str:
    """``re.sub`` that fails loudly when asterisk-conf/ no longer has what the test rewrites."""
    result, count = re.subn(pattern, replacement, text, flags=re.M)
    assert count, f"{name}: nothing matches {pattern!r}; update the test along with asterisk-conf/"
    return result


# Stand-ins for the distribution's own files (a package installs them; asterisk-conf/ does not).
DISTRIBUTION_FILES = {
    "cdr.conf": "[general]\nenable = yes\n",
    "ccss.conf": "[general]\n",
    "features.conf": "[general]\n",
    "acl.conf": "",
    "udptl.conf": "[general]\n",
    "pjproject.conf": "",
    "indications.conf": "[general]\ncountry = us\n\n[us]\ndescription = United States\n"
    "ringcadence = 2000,4000\ndial = 350+440\nbusy = 480+620/500,0/500\n"
    "ring = 440+480/2000,0/4000\ncongestion = 480+620/250,0/250\n",
    "musiconhold.conf": "[general]\n\n[default]\nmode = files\ndirectory = {root}/moh\n",
}

TEST_CONTEXT = """
; Added by tests/asterisk: the customer's phone, answering and staying on the line (silent).
[dialer-test-answer]
exten => s,1,Answer()
 same => n,Wait(30)
 same => n,Hangup()

; ... and one whose phone makes sound (music on hold: 1 s of silence, looped) for the recordings.
[dialer-test-music]
exten => s,1,Answer()
 same => n,MusicOnHold(default,30)
 same => n,Hangup()

; ... one who talks 3 s after answering, then hangs up ...
[dialer-test-talk]
exten => s,1,Answer()
 same => n,Wait(3)
 same => n,Hangup()

; ... and one whose phone rings and is never answered.
[dialer-test-ring]
exten => s,1,Ringing()
 same => n,Wait(60)
"""


def write_config(root: Path, binary: Path, *, ami_port: int, sip_port: int, agi_port: int) -> Path:
    """The temporary configuration: asterisk-conf/*.conf rewritten for a loopback test run."""
    etc = root / "etc"
    for folder in ("etc", "lib", "db", "spool", "run", "log", "rec", "moh", "record"):
        (root / folder).mkdir()
    (root / "moh" / "silence.sln").write_bytes(bytes(16000))  # 1 s of 8 kHz signed linear
    for name, text in DISTRIBUTION_FILES.items():
        (etc / name).write_text(text.format(root=root))
    for source in CONF.glob("*.conf"):
        shutil.copy(source, etc / source.name)

    manager = (etc / "manager.conf").read_text()
    manager = substitute(manager, r"^port\s*=.*$", f"port = {ami_port}", "manager.conf")
    manager = substitute(manager, r"^bindaddr\s*=.*$", "bindaddr = 127.0.0.1", "manager.conf")
    manager = substitute(manager, r"^secret\s*=.*$", f"secret = {SECRET}", "manager.conf")
    (etc / "manager.conf").write_text(manager)

    carrier_port = free_port(socket.SOCK_DGRAM)  # nothing listens there
    pjsip = (etc / "pjsip.conf").read_text()
    pjsip = substitute(pjsip, r"^bind\s*=.*$", f"bind = 127.0.0.1:{sip_port}", "pjsip.conf")
    pjsip = substitute(pjsip, r"sip\.carrier\.example:5060", f"127.0.0.1:{carrier_port}", "pjsip.conf")
    pjsip = substitute(pjsip, r"sip\.carrier\.example", "127.0.0.1", "pjsip.conf")
    pjsip = substitute(
        pjsip, r"^#tryinclude pjsip_operators\.conf$", "#tryinclude pjsip_operators.conf", "pjsip.conf"
    )
    (etc / "pjsip.conf").write_text(pjsip)
    # The operators' endpoints as the product generates them (dialer/softphones), 1001-1003.
    (etc / OPERATORS_FILE).write_text(
        render(SoftphoneAccount(e, f"Operator {e}", new_password()) for e in ("1001", "1002", "1003"))
    )

    extensions = (etc / "extensions.conf").read_text()
    extensions = substitute(
        extensions, r"^DIALER_AGI\s*=.*$", f"DIALER_AGI = agi://127.0.0.1:{agi_port}", "extensions.conf"
    )
    extensions = substitute(
        extensions, r"^DIALER_RECDIR\s*=.*$", f"DIALER_RECDIR = {root / 'rec'}", "extensions.conf"
    )
    (etc / "extensions.conf").write_text(extensions + TEST_CONTEXT)

    cel = (etc / "cel_custom.conf").read_text()
    cel = substitute(cel, r"/var/spool/asterisk/dialer-record", str(root / "record"), "cel_custom.conf")
    (etc / "cel_custom.conf").write_text(cel)

    moddir = module_dir(binary)
    directories = {
        "astetcdir": etc,
        "astvarlibdir": root / "lib",
        "astdbdir": root / "db",
        "astkeydir": root / "lib",
        "astspooldir": root / "spool",
        "astrundir": root / "run",
        "astlogdir": root / "log",
        **({"astmoddir": moddir} if moddir else {}),
    }
    (etc / "asterisk.conf").write_text(
        "[directories]\n"
        + "".join(f"{key} => {value}\n" for key, value in directories.items())
        + "\n[options]\nverbose = 3\n"
    )
    (etc / "logger.conf").write_text(
        "[general]\n\n[logfiles]\nmessages.log => notice,warning,error,verbose\n"
    )
    return etc / "asterisk.conf"


# ---- Asterisk, running ---------------------------------------------------------------------------


@dataclass
class RunningAsterisk:
    config: Path
    root: Path
    ami_port: int
    agi_port: int
    process: subprocess.Popen[bytes]

    @property
    def log(self) -> str:
        path = self.root / "log" / "messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.splitlines()[-lines:])

    def boot_problems(self) -> list[str]:
        """ERROR and WARNING lines logged before ``Asterisk Ready.``."""
        boot = self.log.split("Asterisk Ready.", 1)[0]
        return [line for line in boot.splitlines() if re.search(r"\] (ERROR|WARNING)\[", line)]


def wait_for_port(port: int, process: subprocess.Popen[bytes], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"Asterisk exited with {process.returncode} while starting")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise AssertionError(f"Asterisk's AMI did not open 127.0.0.1:{port} within {within} s")


@pytest.fixture
def asterisk() -> Iterator[RunningAsterisk]:
    assert ASTERISK is not None
    # A short path: the CLI's control socket lives in astrundir and Unix socket paths are limited.
    root = Path(tempfile.mkdtemp(prefix="dialer-ast-"))
    ami_port, agi_port = free_port(socket.SOCK_STREAM), free_port(socket.SOCK_STREAM)
    config = write_config(
        root, ASTERISK, ami_port=ami_port, sip_port=free_port(socket.SOCK_DGRAM), agi_port=agi_port
    )
    with (root / "log" / "stdout.log").open("wb") as stdout:
        process = subprocess.Popen(
            [str(ASTERISK), "-f", "-n", "-C", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = RunningAsterisk(config, root, ami_port, agi_port, process)
    try:
        try:
            wait_for_port(ami_port, process, BOOT_TIMEOUT)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{running.log_tail()}") from None
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        shutil.rmtree(root, ignore_errors=True)


# ---- what the product's client sees ---------------------------------------------------------------


@dataclass
class Seen:
    """Every AMI event and tracker fact the client delivers, and a way to wait for one."""

    events: list[AmiEvent] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def on_event(self, event: AmiEvent) -> None:
        self.events.append(event)
        self.arrived.set()

    def on_fact(self, fact: Fact) -> None:
        self.facts.append(fact)
        self.arrived.set()

    async def event(self, what: str, match: Callable[[AmiEvent], bool]) -> AmiEvent:
        try:
            async with asyncio.timeout(STEP_TIMEOUT):
                while True:
                    found = next((e for e in self.events if match(e)), None)
                    if found is not None:
                        return found
                    self.arrived.clear()
                    await self.arrived.wait()
        except TimeoutError:
            raise AssertionError(f"no AMI event for {what} within {STEP_TIMEOUT} s") from None


def on_channel(uniqueid: str, name: str, **fields: str) -> Callable[[AmiEvent], bool]:
    """Matches event ``name`` on the channel whose Uniqueid is ``uniqueid``, with those fields."""

    def match(event: AmiEvent) -> bool:
        raw = event.raw
        return (
            event.event_name == name
            and raw.get("Uniqueid") == uniqueid
            and all(raw.get(key) == value for key, value in fields.items())
        )

    return match


def spying(leg: str, name: str) -> Callable[[AmiEvent], bool]:
    """Matches ChanSpyStart / ChanSpyStop of the spy leg whose Uniqueid is ``leg``."""
    return lambda event: event.event_name == name and event.raw.get("SpyerUniqueid") == leg


@dataclass
class ScriptedEngine(InMemoryEngine):
    """The engine double, deciding per call id; ``abandon_told`` is set once told of an abandon."""

    by_call: dict[str, RouteDecision] = field(default_factory=dict)
    abandon_told: asyncio.Event = field(default_factory=asyncio.Event)

    async def on_amd_result(self, call: CallInfo, result: AmdResult) -> RouteDecision:
        self.amd_results.append((call, result))
        await self._work()  # ``delay``: the call stays in AGI() meanwhile
        return self.by_call[call.call_id]

    async def on_abandoned(self, call: CallInfo, message: str) -> None:
        self.abandoned.append((call, message))
        self.abandon_told.set()


@pytest.fixture
async def client(asterisk: RunningAsterisk) -> AsyncIterator[tuple[TrackedCalls, Seen]]:
    settings = AmiSettings(
        port=asterisk.ami_port, username="autodialer", secret=SECRET, reconnect_min=0.2, boot_timeout=15
    )
    seen = Seen()
    ami = AmiClient(settings)
    calls = TrackedCalls(ami, CallTracker(seen))
    ami.add_event_listener(seen.on_event)
    await ami.start()
    try:
        try:
            await ami.wait_ready(within=BOOT_TIMEOUT)
        except TimeoutError:
            raise AssertionError(
                f"AMI client not ready ({ami.state}: {ami.last_error})\n{asterisk.log_tail()}"
            ) from None
        yield calls, seen
    finally:
        await ami.stop()


# ---- the test --------------------------------------------------------------------------------------


async def test_asterisk_conf_runs_the_product_calls(
    asterisk: RunningAsterisk, client: tuple[TrackedCalls, Seen]
) -> None:
    ami, seen = client

    # It loads cleanly: no error or warning while starting, every module and context is there.
    assert asterisk.boot_problems() == []
    modules = "\n".join(await ami.client.command("module show"))
    not_running = [
        name
        for name in conf_modules()
        if not re.search(rf"^{re.escape(name)}\.so\s.*\bRunning\b", modules, re.M)
    ]
    assert not_running == [], asterisk.log_tail()
    dialplan = "\n".join(await ami.client.command("dialplan show"))
    missing = [c for c in conf_contexts() if f"[ Context '{c}' created by 'pbx_config' ]" not in dialplan]
    assert missing == []
    endpoints = "\n".join(await ami.client.command("pjsip show endpoints"))
    for endpoint in ("trunk", "1001", "1002", "1003"):
        assert re.search(rf"Endpoint:\s+{endpoint}\b", endpoints), endpoints
    assert "sales has 0 calls" in "\n".join(await ami.client.command("queue show sales"))
    await ami.client.ping()
    assert await ami.client.core_show_channels() == []

    # Customers answer; the dialplan asks the product's FastAGI server and does what it decides.
    engine = ScriptedEngine(
        by_call={
            "t-hangup": RouteDecision.hangup(),
            "t-abandon": RouteDecision.abandon(message="dialer/no-such-message"),
            "t-amd": RouteDecision.hangup(),
        }
    )
    limits = AgiLimits(env_timeout=5.0, reply_timeout=5.0, session_timeout=30.0, close_timeout=1.0)
    server = FastAgiServer(
        product_routes(engine, abandon_message="dialer/abandon"), port=asterisk.agi_port, limits=limits
    )
    async with server:
        for call_id, skip_amd in (("t-hangup", True), ("t-abandon", True), ("t-amd", False)):
            variables = {"CAMPAIGN_ID": "7", "LEAD_ID": f"lead-{call_id}"}
            await ami.originate(
                call_id,
                "Local/s@dialer-test-answer",
                context="dialer-customer",
                variables={**variables, "DIALER_AMD": "no"} if skip_amd else variables,
                ring_timeout_s=10,
            )
        for call_id, decision in engine.by_call.items():
            route = decision.action.value
            await seen.event(
                f"{call_id} AGI_ROUTE={route}", on_channel(call_id, "VarSet", Variable="AGI_ROUTE")
            )
            await seen.event(
                f"{call_id} in dialer-route-{route}",
                on_channel(call_id, "Newexten", Context=f"dialer-route-{route}"),
            )
            await seen.event(f"{call_id} hung up", on_channel(call_id, "Hangup"))
        async with asyncio.timeout(STEP_TIMEOUT):
            await engine.abandon_told.wait()

    routes = {
        e.raw.get("Uniqueid"): e.raw.get("Value")
        for e in seen.events
        if e.event_name == "VarSet" and e.raw.get("Variable") == "AGI_ROUTE"
    }
    assert routes == {"t-hangup": "hangup", "t-abandon": "abandon", "t-amd": "hangup"}
    originated = {
        e.raw.get("ActionID"): e.raw.get("Response")
        for e in seen.events
        if e.event_name == "OriginateResponse"
    }
    assert originated == {"t-hangup": "Success", "t-abandon": "Success", "t-amd": "Success"}
    told = {
        call.call_id: (call.campaign_id, call.lead_id, result.status) for call, result in engine.amd_results
    }
    assert told == {
        "t-hangup": ("7", "lead-t-hangup", AmdStatus.UNKNOWN),
        "t-abandon": ("7", "lead-t-abandon", AmdStatus.UNKNOWN),
        "t-amd": ("7", "lead-t-amd", AmdStatus.NOTSURE),  # AMD() heard nothing on the silent line
    }
    assert [(call.call_id, message) for call, message in engine.abandoned] == [
        ("t-abandon", "dialer/no-such-message")
    ]
    # The product's tracker followed the calls from the real events.
    for call_id in engine.by_call:
        assert any(isinstance(f, CallAnswered) and f.call_id == call_id for f in seen.facts), call_id
        assert any(isinstance(f, CallHungUp) and f.call_id == call_id for f in seen.facts), call_id


def wav_files(folder: Path) -> dict[str, int] | None:
    """The WAV files in ``folder`` and their audio bytes, or None while one is not finished.

    format_wav writes the RIFF and data sizes when MixMonitor closes the file (zeros until then),
    so a file is finished once its sizes match its length.
    """
    found: dict[str, int] = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE" or data[36:40] != b"data":
            return None
        riff_size = int.from_bytes(data[4:8], "little")
        data_size = int.from_bytes(data[40:44], "little")
        if riff_size != len(data) - 8 or data_size != len(data) - 44:
            return None
        found[path.name] = data_size
    return found


async def test_recording_policies_and_survey_route(
    asterisk: RunningAsterisk, client: tuple[TrackedCalls, Seen]
) -> None:
    """The recording subroutine ``dialer-record`` (Gosub from ``dialer-customer`` for policy
    ``all``, from the operator and queue routes for ``connected``: bridged time only; with split
    legs the customer's side (r) and what is sent to the customer (t) to files of their own)
    writes the files the product files at hangup, named by the Uniqueid (the call id); the survey
    route asks the product's FastAGI survey, then goes where it says (hangup by default)."""
    ami, seen = client
    rec = asterisk.root / "rec"
    policies = {  # call id: DIALER_RECORD, DIALER_RECORD_LEGS
        "r-all": ("all", "no"),
        "r-legs": ("all", "yes"),
        "r-connected": ("connected", "no"),
        "r-none": ("none", "yes"),
        "r-survey": ("connected", "no"),  # not put through: not recorded
    }
    question = SurveyQuestion("q1", "dialer/no-such-question", digit_timeout=0.5, attempts=1)
    engine = ScriptedEngine(
        by_call={
            "r-all": RouteDecision.hangup(),
            "r-legs": RouteDecision.hangup(),
            "r-connected": RouteDecision.to_operator(bridge="op1001"),
            "r-none": RouteDecision.hangup(),
            "r-survey": RouteDecision.survey(),
        },
        surveys={"8": Survey("s-8", (question,))},  # campaign 8's survey
        delay=1.0,  # the customer's phone makes sound while the engine decides
    )
    limits = AgiLimits(env_timeout=5.0, reply_timeout=5.0, session_timeout=30.0, close_timeout=1.0)
    server = FastAgiServer(
        product_routes(engine, abandon_message="dialer/abandon"), port=asterisk.agi_port, limits=limits
    )
    async with server:
        # Operator 1001 logged in (nailed-up): held in ConfBridge op1001.
        await ami.originate(
            "op-1001", "Local/s@dialer-test-answer", context="dialer-operator-login", exten="1001"
        )
        joined = await seen.event("operator in op1001", on_channel("op-1001", "ConfbridgeJoin"))
        for call_id, (record, legs) in policies.items():
            await ami.originate(
                call_id,
                "Local/s@dialer-test-music",
                context="dialer-customer",
                variables={
                    "CAMPAIGN_ID": "8" if call_id == "r-survey" else "7",
                    "LEAD_ID": f"lead-{call_id}",
                    "DIALER_AMD": "no",
                    "DIALER_RECORD": record,
                    "DIALER_RECORD_LEGS": legs,
                },
                ring_timeout_s=10,
            )
        await seen.event("r-connected put through", on_channel("r-connected", "ConfbridgeJoin"))
        await asyncio.sleep(1.0)  # bridged time, recorded
        await ami.hangup(joined.raw["Channel"])  # the operator leaves: the customer goes with them
        for call_id, decision in engine.by_call.items():
            route = decision.action.value
            await seen.event(
                f"{call_id} in dialer-route-{route}",
                on_channel(call_id, "Newexten", Context=f"dialer-route-{route}"),
            )
            await seen.event(f"{call_id} hung up", on_channel(call_id, "Hangup"))
        await seen.event(
            "r-survey hung up after the survey",
            on_channel("r-survey", "Newexten", Context="dialer-route-hangup"),
        )

    reports = [(call.call_id, report.survey_id, report.outcome) for call, report in engine.reports]
    assert reports == [("r-survey", "s-8", SurveyOutcome.COMPLETED)]  # no answer to the question
    expected = {"r-all.wav", "r-legs.wav", "r-legs-customer.wav", "r-legs-operator.wav", "r-connected.wav"}
    files = None
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        files = wav_files(rec)
        if files is not None and set(files) == expected:
            break
        await asyncio.sleep(0.2)
    assert files is not None and set(files) == expected, (files, asterisk.log_tail())
    # The customer's side (music) is in the mixed file and the customer's leg; nothing is sent to
    # the customer here, so the operator's leg may be silence.
    silent = [
        name
        for name in ("r-all.wav", "r-legs.wav", "r-legs-customer.wav", "r-connected.wav")
        if not files[name]
    ]
    assert silent == [], files


async def test_calls_that_end_while_the_engine_is_down_are_settled_from_asterisks_record(
    asterisk: RunningAsterisk, client: tuple[TrackedCalls, Seen]
) -> None:
    """The engine's edges (its FastAGI server and AMI connection) go away as in a kill -9 while a
    customer talks to an operator, another rings and a third is in AMD; Asterisk finishes the calls
    alone (the talker hangs up, the ringing one rings out, AMD's caller finds no FastAGI server and
    the fallback plays the abandon message) and writes its record (cel_custom.conf). The product's
    reader and ``settle`` make of that record what happened: outcome, cause, talk to the record's
    microsecond and the bill to its second, the abandon with its AMD verdict."""
    ami, seen = client
    engine = ScriptedEngine(by_call={"k-talk": RouteDecision.to_operator(bridge="op1001")})
    limits = AgiLimits(env_timeout=5.0, reply_timeout=5.0, session_timeout=30.0, close_timeout=1.0)
    server = FastAgiServer(
        product_routes(engine, abandon_message="dialer/abandon"), port=asterisk.agi_port, limits=limits
    )
    variables = {"CAMPAIGN_ID": "9", "LEAD_ID": "lead-k"}
    async with server:
        await ami.originate(
            "op-1001", "Local/s@dialer-test-answer", context="dialer-operator-login", exten="1001"
        )
        await seen.event("operator in op1001", on_channel("op-1001", "ConfbridgeJoin"))
        await ami.originate(
            "k-talk",
            "Local/s@dialer-test-talk",
            context="dialer-customer",
            variables={**variables, "DIALER_AMD": "no"},
            ring_timeout_s=10,
        )
        await seen.event("k-talk put through", on_channel("k-talk", "ConfbridgeJoin"))
        await ami.originate(
            "k-amd", "Local/s@dialer-test-answer", context="dialer-customer", variables=variables
        )
        await ami.originate(
            "k-ring",
            "Local/s@dialer-test-ring",
            context="dialer-customer",
            variables=variables,
            ring_timeout_s=4,
        )
        await seen.event("k-amd in AMD()", on_channel("k-amd", "Newexten", Application="AMD"))
        await seen.event("k-ring ringing", on_channel("k-ring", "Newstate", ChannelStateDesc="Ringing"))
    await ami.client.stop()  # the engine is gone: no FastAGI server, no AMI connection
    known_at = {
        (type(f).__name__, f.call_id): f.at
        for f in seen.facts
        if isinstance(f, CallAnswered | CallConnected) and f.call_id.startswith("k-")
    }
    assert not any(isinstance(f, AmdVerdict) and f.call_id == "k-amd" for f in seen.facts)

    folder = asterisk.root / "record"
    calls = ("k-talk", "k-amd", "k-ring")
    deadline = time.monotonic() + 3 * STEP_TIMEOUT
    records = read_calls(folder, calls)
    while time.monotonic() < deadline and not all(c in records and records[c].ended for c in calls):
        await asyncio.sleep(0.2)
        records = read_calls(folder, calls)
    assert all(c in records and records[c].ended for c in calls), (records, asterisk.log_tail())

    connected_at = known_at[("CallConnected", "k-talk")]
    talk = settle(
        Known(
            placed_at=connected_at,
            answered_at=known_at.get(("CallAnswered", "k-talk"), connected_at),
            connected_at=connected_at,
        ),
        records["k-talk"],
    )
    talk_record = records["k-talk"]
    assert talk_record.bridged_at is not None and talk_record.ended_at is not None
    recorded = (talk_record.ended_at - talk_record.bridged_at).total_seconds()
    assert 2.5 < recorded < 4.0  # the customer's 3 s in the conference
    operator_leg = read_calls(folder, ["op-1001"])["op-1001"]
    assert talk_record.bridged_with == operator_leg.channel  # who it was put through to, per the record
    assert (talk.outcome, talk.cause, talk.review) == (CallOutcome.HUMAN_CONNECTED, 16, None)
    assert abs((talk.ended_at - connected_at).total_seconds() - recorded) < 1e-6
    assert call_talk_seconds(connected_at, talk.ended_at) == -int(-recorded // 1)

    ring = settle(Known(placed_at=connected_at), records["k-ring"])
    assert (ring.outcome, ring.cause, ring.review) == (CallOutcome.NO_ANSWER, 19, None)

    amd = settle(
        Known(placed_at=connected_at, answered_at=known_at.get(("CallAnswered", "k-amd"))), records["k-amd"]
    )
    assert (amd.outcome, amd.review) == (CallOutcome.ABANDONED, None)
    assert amd.amd is not None and amd.amd[0] == "NOTSURE"  # AMD() heard nothing on the silent line
    assert amd.abandoned_at == records["k-amd"].fallback_at


async def test_a_supervisor_listens_whispers_and_barges_through_dialer_supervisor(
    asterisk: RunningAsterisk, client: tuple[TrackedCalls, Seen]
) -> None:
    """What the engine does for a spy (``dialer.engine.ami_pbx.AmiPbx.spy``): the supervisor's leg
    originated into ``dialer-supervisor`` (exten ``listen``, ``whisper`` or ``barge``) with
    ``SPYTARGET`` the tracker's target for the call (the operator's own channel) runs ChanSpy on the
    operator's nailed-up leg, and the tracker reports a supervisor spying (a Local channel stands in
    for the softphone)."""
    ami, seen = client
    engine = ScriptedEngine(by_call={"s-cust": RouteDecision.to_operator(bridge="op1001")})
    limits = AgiLimits(env_timeout=5.0, reply_timeout=5.0, session_timeout=30.0, close_timeout=1.0)
    server = FastAgiServer(
        product_routes(engine, abandon_message="dialer/abandon"), port=asterisk.agi_port, limits=limits
    )
    async with server:
        await ami.originate(  # as the engine logs an operator in: followed as operator 1001's leg
            "op-1001",
            "Local/s@dialer-test-answer",
            context="dialer-operator-login",
            exten="1001",
            operator="1001",
        )
        await seen.event("operator in op1001", on_channel("op-1001", "ConfbridgeJoin"))
        await ami.originate(
            "s-cust",
            "Local/s@dialer-test-answer",
            context="dialer-customer",
            variables={"CAMPAIGN_ID": "9", "LEAD_ID": "lead-s", "DIALER_AMD": "no"},
            ring_timeout_s=10,
        )
        await seen.event("s-cust put through", on_channel("s-cust", "ConfbridgeJoin"))
        target = ami.tracker.spy_target("s-cust")
        login = next(e for e in seen.events if e.raw.get("Uniqueid") == "op-1001" and e.raw.get("Channel"))
        assert target == login.raw["Channel"]  # the operator's own leg, by name
        for mode in ("listen", "whisper", "barge"):
            leg = f"sup-{mode}"
            await ami.originate(
                leg,
                "Local/s@dialer-test-answer",
                context="dialer-supervisor",
                exten=mode,
                variables={"SPYTARGET": target},
                operator="1003",
            )
            started = await seen.event(f"{mode}: ChanSpy on the operator's leg", spying(leg, "ChanSpyStart"))
            assert started.raw.get("SpyeeUniqueid") == "op-1001", started.raw
            assert any(isinstance(f, SpyStarted) and f.call_id == leg for f in seen.facts)
            await ami.hangup(started.raw["SpyerChannel"])
            await seen.event(f"{mode}: the spy stopped", spying(leg, "ChanSpyStop"))


# ---- the operators' endpoints, provisioned by the product ----------------------------------------------


async def pjsip_endpoint(ami: AmiClient, name: str) -> str:
    return "\n".join(await ami.command(f"pjsip show endpoint {name}"))


async def test_a_provisioned_endpoint_is_loaded_at_the_reload_and_gone_once_disabled(
    asterisk: RunningAsterisk, client: tuple[TrackedCalls, Seen], sessions
) -> None:
    from dialer.auth.models import Role
    from dialer.auth.principal import Principal
    from dialer.db.engine import unit_of_work
    from dialer.operators import service
    from dialer.operators.schemas import OperatorCreate, OperatorUpdate
    from dialer.softphones.provisioning import Provisioner, ami_reload

    calls, _ = client
    ami = calls.client
    assert re.search(r"Endpoint:\s+1001\b", await pjsip_endpoint(ami, "1001"))  # from the start-up file
    assert "Unable to find object 2001" in await pjsip_endpoint(ami, "2001")
    admin = Principal(role=Role.ADMIN, user_id=1)
    async with unit_of_work(sessions) as session:
        anna = await service.create_operator(
            session, admin, OperatorCreate(name="Anna Petrova", login="anna", sip_endpoint="2001")
        )
    provisioner = Provisioner(
        asterisk.config.parent / OPERATORS_FILE,
        ami_reload(AmiSettings(port=asterisk.ami_port, username="autodialer", secret=SECRET)),
    )

    result = await provisioner.sync(sessions)
    assert (result.endpoints, result.written, result.reloaded) == (1, True, True)
    shown = await pjsip_endpoint(ami, "2001")
    assert re.search(r"Endpoint:\s+2001\b", shown), shown
    assert re.search(r"Auth:\s+2001/2001", shown), shown  # InAuth: its auth, user 2001
    assert re.search(r"Aor:\s+2001\b", shown), shown
    assert '"Anna Petrova" <2001>' in shown
    assert "Unable to find object 1001" in await pjsip_endpoint(ami, "1001")  # not in this database

    # A softphone registers with the generated password, and with no other.
    sip_port = int(
        re.findall(r"^bind = 127\.0\.0\.1:(\d+)$", (asterisk.config.parent / "pjsip.conf").read_text(), re.M)[
            0
        ]
    )
    password = anna.sip_password
    assert password
    assert await asyncio.to_thread(register, "127.0.0.1", sip_port, "2001", password + "x") == 401
    assert await asyncio.to_thread(register, "127.0.0.1", sip_port, "2001", password) == 200
    assert "2001/sip:2001@127.0.0.2" in "\n".join(await ami.command("pjsip show contacts"))

    async with unit_of_work(sessions) as session:
        await service.update_operator(session, admin, anna.id, OperatorUpdate(active=False))
    assert (await provisioner.sync(sessions)).reloaded
    assert "Unable to find object 2001" in await pjsip_endpoint(ami, "2001")
    assert (
        await asyncio.to_thread(register, "127.0.0.1", sip_port, "2001", password) == 401
    )  # no such account
    about_it = [line for line in asterisk.log.splitlines() if "2001" in line or OPERATORS_FILE in line]
    assert [line for line in about_it if re.search(r"\] (ERROR|WARNING)\[", line)] == []


async def test_a_surviving_engine_adopts_the_calls_a_dead_one_left(
    asterisk: RunningAsterisk, client: tuple[TrackedCalls, Seen]
) -> None:
    """What a second engine does when it takes over a dead engine's campaign
    (``dialer.engine.ami_pbx.AmiPbx.adopt``): on its own, already connected AMI client, it adopts
    the calls storage shows open; Asterisk's listing finds the live one (followed on to its hangup)
    and the one that is gone ends at once, while a call of its own stays untouched."""
    first, first_seen = client
    await first.originate("k-left", "Local/s@dialer-test-answer", context="dialer-test-answer")
    up = on_channel("k-left", "Newstate", ChannelStateDesc="Up")
    answered = await first_seen.event("k-left answered", up)
    channel = getattr(answered, "channel", None)
    assert channel is not None
    await first.client.stop()  # the first engine dies; Asterisk keeps its call

    seen = Seen()
    ami = AmiClient(
        AmiSettings(port=asterisk.ami_port, username="autodialer", secret=SECRET, boot_timeout=15)
    )
    survivor = TrackedCalls(ami, CallTracker(seen))
    ami.add_event_listener(seen.on_event)
    await ami.start()
    try:
        await ami.wait_ready(within=BOOT_TIMEOUT)
        survivor.tracker.track_call("own-in-flight")  # its own Originate, no channel yet
        gone = await survivor.adopt(["k-left", "left-and-gone"])
        assert gone == ["left-and-gone"]
        assert sorted(survivor.tracker.live_calls) == ["k-left", "own-in-flight"]
        await survivor.hangup(channel, call_id="k-left")
        await seen.event("k-left hung up", on_channel("k-left", "Hangup"))
        assert "k-left" not in survivor.tracker.live_calls, asterisk.log_tail()
        assert any(isinstance(f, CallHungUp) and f.call_id == "k-left" for f in seen.facts)
    finally:
        await ami.stop()
