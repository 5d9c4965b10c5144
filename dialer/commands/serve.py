"""``dialer serve``: the service (``dialer.service.Service``): HTTP API, engine, AMI connection(s),
FastAGI, the hot-lead and mail dispatchers, the volume watch and the daily jobs, all in one process
by default; ``--role api|engine|jobs`` runs one part of it (each answers health and metrics).

Stopping (SIGTERM, or Ctrl+C once) stops new calls at once, lets live calls finish for up to
``stop_grace_s`` while the API stays up, then exits; a second Ctrl+C exits at once (the next start
reconciles what was left).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from dialer.commands import COMMANDS


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("serve", help=COMMANDS["serve"])
    parser.add_argument("--host", help="listen address (default DIALER_API_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="listen port (default DIALER_API_PORT or 8000)")
    parser.add_argument(
        "--role",
        choices=("api", "engine", "jobs", "all"),
        default="all",
        help="the part to run: api (HTTP API), engine (AMI, FastAGI, pacing), jobs (hot leads, e-mail, "
        "volume watch, daily jobs) or all (default)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dialer.observability.logs import configure_logging
    from dialer.service import Service
    from dialer.settings import load_settings

    settings = load_settings()
    if args.log_format is None:  # the settings' file may ask for JSON where the flag did not
        configure_logging(args.log_level, settings.log_format)
    service = Service(
        settings,
        host=args.host or settings.api_host,
        port=args.port or settings.api_port,
        log_level=args.log_level.lower(),
        role=args.role,
    )
    asyncio.run(service.run_until_stopped())
    return 0
