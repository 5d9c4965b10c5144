"""``dialer serve``: the whole service in one process (the HTTP API for now)."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from dialer.settings import load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("serve", help="run the service")
    parser.add_argument("--host", help="listen address (default DIALER_API_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="listen port (default DIALER_API_PORT or 8000)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from api.app import create_app

    settings = load_settings()
    app = create_app(settings)
    uvicorn.run(
        app,
        host=args.host or settings.api_host,
        port=args.port or settings.api_port,
        log_level=args.log_level.lower(),
    )
    return 0
