"""What channel and interface names say about who is on them (``PJSIP/1001-00000003`` is operator
1001's softphone). Used only to name an operator; calls are never keyed by channel names."""

from __future__ import annotations

CALL_ID_VARIABLE = "DIALER_CALL_ID"  # the channel variable that carries the product's call id


def endpoint_of(channel: str | None) -> str | None:
    """``PJSIP/1001-00000003`` -> ``1001``; None for Local and other non-endpoint channels."""
    if not channel or channel.startswith("Local/"):
        return None
    _tech, slash, rest = channel.partition("/")
    if not slash:
        return None
    base, dash, _seq = rest.rpartition("-")
    return base if dash else rest


def interface_endpoint(interface: str) -> str:
    """A queue member's interface as the operator's endpoint: ``PJSIP/1001`` or ``Local/1001@agents``
    -> ``1001``."""
    resource = interface.partition("/")[2] or interface
    return resource.partition("@")[0] if interface.startswith("Local/") else resource


def conference_operator(conference: str) -> str | None:
    """Default rule for the nailed-up bridge's name: ``op1001`` holds operator ``1001``."""
    return conference[2:] if conference.startswith("op") and len(conference) > 2 else None
