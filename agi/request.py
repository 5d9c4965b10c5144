"""What Asterisk asked for: the route, its query parameters and arguments, and the channel's facts.

``AGI(agi://host:port/amd?campaign=42,arg1,arg2)`` gives ``agi_network_script: amd?campaign=42``,
``agi_request: agi://host:port/amd?campaign=42`` and ``agi_arg_1``, ``agi_arg_2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import parse_qsl, urlsplit

from agi.errors import AgiProtocolError


@dataclass(frozen=True, slots=True)
class AgiRequest:
    """One FastAGI request: ``route`` (script path without slashes), ``query``, ``args``, ``env``."""

    route: str
    query: Mapping[str, str]
    args: tuple[str, ...]
    env: Mapping[str, str]

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> AgiRequest:
        script = env.get("agi_network_script")
        if script is None:
            request = env.get("agi_request")
            if request is None:
                raise AgiProtocolError("AGI environment names no script (agi_network_script, agi_request)")
            parts = urlsplit(request)
            script = parts.path + (f"?{parts.query}" if parts.query else "")
        path, _, query = script.partition("?")
        return cls(
            route=path.strip("/"),
            query=MappingProxyType(dict(parse_qsl(query, keep_blank_values=True))),
            args=_args(env),
            env=MappingProxyType(dict(env)),
        )

    @property
    def channel(self) -> str:
        return self.env.get("agi_channel", "")

    @property
    def uniqueid(self) -> str:
        return self.env.get("agi_uniqueid", "")

    @property
    def context(self) -> str:
        return self.env.get("agi_context", "")

    @property
    def extension(self) -> str:
        return self.env.get("agi_extension", "")

    @property
    def callerid(self) -> str:
        return self.env.get("agi_callerid", "")

    @property
    def language(self) -> str:
        return self.env.get("agi_language", "")


def _args(env: Mapping[str, str]) -> tuple[str, ...]:
    """``agi_arg_1..N`` in order; Asterisk numbers them without gaps."""
    args: list[str] = []
    while (value := env.get(f"agi_arg_{len(args) + 1}")) is not None:
        args.append(value)
    return tuple(args)
