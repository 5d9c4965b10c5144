"""Reading the deployment files as Docker would: the Dockerfile's instructions and the compose file
with its ``${VAR}`` interpolation (the subset the file uses: ``${V}``, ``${V:-default}``,
``${V:?message}`` and ``$$``)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
ASTERISK_START = ROOT / "deploy" / "asterisk" / "start.sh"

_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    out = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        out.append((keyword.upper(), rest.strip()))
    return out


def exec_form(arguments: str) -> list[str]:
    """A JSON-array instruction's argv (the exec form Docker runs without a shell)."""
    argv = json.loads(arguments)
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), arguments
    return argv


def image_env(path: Path = DOCKERFILE) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, arguments in instructions(path):
        if keyword == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def image_command(path: Path = DOCKERFILE) -> list[str]:
    """ENTRYPOINT + CMD, as ``docker run IMAGE`` runs them."""
    found = {k: exec_form(a) for k, a in instructions(path) if k in ("ENTRYPOINT", "CMD")}
    return found.get("ENTRYPOINT", []) + found.get("CMD", [])


def healthcheck_command(path: Path = DOCKERFILE) -> list[str]:
    (arguments,) = [a for k, a in instructions(path) if k == "HEALTHCHECK"]
    _, _, command = arguments.partition("CMD ")
    return exec_form(command)


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return _VARIABLE.sub(one, value)


def compose(env: Mapping[str, str]) -> dict[str, Any]:
    """docker-compose.yml as ``docker compose config`` would see it with ``env`` (YAML merge keys
    resolved by the loader)."""
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    result: dict[str, Any] = interpolate(loaded, env)
    return result
