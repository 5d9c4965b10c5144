"""``dialer pbxsim``: run the PBX simulator on its own, scripted by a scenario file.

    dialer pbxsim --scenario shift.toml --ami-port 5038 --agi-port 4573 --speed 10

It listens for AMI clients like an Asterisk 22 would, calls the product's FastAGI server where the
dialplan does, and writes MixMonitor recordings. What is not given is taken from the service's own
settings (``DIALER_*``, as ``dialer serve`` reads them), so ``dialer pbxsim`` and ``dialer serve`` pair
on one machine with no setting at all: the AMI user, secret and port of the first server in
``DIALER_AMI_SERVERS``, the FastAGI port ``DIALER_AGI_PORT``, and the recordings spool the service
files from (``DIALER_RECORDINGS_SPOOL_DIR``, default ``<data_dir>/asterisk-spool`` where no Asterisk
is installed). The operators' endpoints are those of the product's generated PJSIP file
(``DIALER_PJSIP_OPERATORS_FILE``, default ``<data_dir>/pjsip_operators.conf``), read at start and at
every AMI reload of res_pjsip, as Asterisk reads them: an operator created through ``dialer serve``
can register, a disabled one cannot. ``--scenario-endpoints`` knows the scenario's operators instead.
Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from typing import Any

from dialer.commands import COMMANDS
from dialer.settings import Settings, load_settings
from pbxsim import PbxSim, RealClock, ScaledClock, Scenario, load_scenario
from pbxsim.clock import Clock

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("pbxsim", help=COMMANDS["pbxsim"])
    parser.add_argument("--scenario", help="scenario file (.toml or .json); default: everyone answers")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--ami-port", type=int, help="AMI port (default: the service's first AMI server's)")
    parser.add_argument(
        "--user", help="AMI USER:SECRET accepted (default: the service's first AMI server's user and secret)"
    )
    parser.add_argument("--agi-host", default="127.0.0.1", help="the product's FastAGI host")
    parser.add_argument("--agi-port", type=int, help="the product's FastAGI port (default DIALER_AGI_PORT)")
    parser.add_argument(
        "--recordings", help="folder for MixMonitor WAV files (default: the service's recordings spool)"
    )
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    parser.add_argument("--silence", action="store_true", help="record silence instead of a tone")
    parser.add_argument(
        "--pjsip-file",
        help="the product's generated operators' PJSIP file (default: DIALER_PJSIP_OPERATORS_FILE's)",
    )
    parser.add_argument(
        "--scenario-endpoints",
        action="store_true",
        help="know the scenario's operators as endpoints instead of reading the product's PJSIP file",
    )
    parser.set_defaults(handler=run)


def build(args: argparse.Namespace, settings: Settings | None = None) -> PbxSim:
    """The simulator from the arguments, what they leave out from the service's ``settings``."""
    settings = settings or load_settings()
    server = settings.ami_servers[0]
    scenario = load_scenario(args.scenario) if args.scenario else Scenario()
    user = args.user or f"{server.username}:{server.secret.get_secret_value()}"
    username, _, secret = user.partition(":")
    pjsip_file = args.pjsip_file or settings.effective_pjsip_operators_file
    if args.scenario_endpoints:
        pjsip_file = None
    clock: Clock = RealClock() if args.speed == 1.0 else ScaledClock(args.speed)
    ami_port = server.port if args.ami_port is None else args.ami_port
    agi_port = settings.agi_port if args.agi_port is None else args.agi_port
    return PbxSim(
        scenario, clock=clock, host=args.host, ami_port=ami_port, users={username: secret},
        agi_host=args.agi_host, agi_port=agi_port,
        recordings_dir=args.recordings or settings.effective_recordings_spool_dir,
        recording_tone_hz=None if args.silence else 440.0,
        pjsip_file=pjsip_file,
    )  # fmt: skip


async def _serve(sim: PbxSim) -> None:
    """Serve until SIGINT or SIGTERM. The handlers are installed here, not left to Python's default:
    a process started in the background of a script inherits SIGINT ignored, and would never stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with sim:
        log.info(
            "pbxsim: AMI on %s:%s, FastAGI to %s, recordings in %s, endpoints from %s",
            sim.server.host, sim.ami_port, sim.pbx.config.agi_url, sim.pbx.config.recordings_dir,
            sim.pbx.endpoints.pjsip_file or "the scenario",
        )  # fmt: skip
        await stop.wait()


def run(args: argparse.Namespace) -> int:
    sim = build(args)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(sim))
    return 0
