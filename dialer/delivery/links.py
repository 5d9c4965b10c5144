"""A stored payload as it is sent: its recording's path made an absolute link on the API's address.

A payload is stored with relative paths (the public address may change between storing and
sending); each sender (webhook, e-mail) makes them absolute when it sends.
"""

from __future__ import annotations

from typing import Any


def with_links(payload: dict[str, Any], public_base_url: str) -> dict[str, Any]:
    """The payload as sent: ``recording_url`` made absolute on the API's public address."""
    path = payload.get("recording_path")
    url = f"{public_base_url.rstrip('/')}{path}" if path and public_base_url else path
    return payload | {"recording_url": url}
