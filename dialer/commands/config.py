"""``dialer config``: every setting, the environment variable that sets it, its value and meaning."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pydantic import SecretStr

from dialer.commands import COMMANDS
from dialer.settings import Settings, load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("config", help=COMMANDS["config"])
    parser.add_argument(
        "--defaults", action="store_true", help="show the defaults instead of the values in force"
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    parser.set_defaults(handler=run)


def _shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        return "***" if value.get_secret_value() else "(empty)"
    if isinstance(value, list | dict):
        return json.dumps(value, default=_plain, ensure_ascii=False)
    return "" if value is None else str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "***"
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return str(value)


def rows(settings: Settings | None) -> list[tuple[str, str, str]]:
    """(environment variable, value or default, description) for every setting."""
    result = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name) if settings else field.get_default(call_default_factory=True)
        result.append((f"DIALER_{name.upper()}", _shown(value), field.description or ""))
    return result


def run(args: argparse.Namespace) -> int:
    table = rows(None if args.defaults else load_settings())
    if args.markdown:
        print("| variable | default | meaning |")
        print("| --- | --- | --- |")
        for variable, value, description in table:
            print(
                f"| `{variable}` | `{value}` | {description} |"
                if value
                else f"| `{variable}` | | {description} |"
            )
        return 0
    width = max(len(variable) for variable, _, _ in table)
    for variable, value, description in table:
        print(f"{variable:<{width}}  {value}\n{'':<{width}}  {description}")
    return 0
