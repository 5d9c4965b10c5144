"""A campaign's script with the contact's fields filled in (pure).

Placeholders are ``{name}``, ``{company}``, ``{phone}``, ``{extension}``, ``{timezone}`` and any
custom field of the contact's row (``{city}``, ``{tariff}``...). A placeholder the contact has no
value for stays as written, so the operator sees what is missing; ``{{`` and ``}}`` are literal
braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,60})\}")


def contact_fields(
    *, name: str, company: str, phone: str, extension: str, timezone: str | None, data: Mapping[str, Any]
) -> dict[str, str]:
    """What a script may refer to: the custom fields, then the card's own (which win a clash)."""
    fields = {str(key): "" if value is None else str(value) for key, value in data.items()}
    fields.update(name=name, company=company, phone=phone, extension=extension, timezone=timezone or "")
    return fields


def fill(script: str, fields: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        key = match.group(1).strip()
        value = fields.get(key)
        return value if value else whole

    return _PLACEHOLDER.sub(replace, script)
