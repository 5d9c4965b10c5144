"""The operators' endpoints as Asterisk would read them from the product's generated PJSIP include
file (``pjsip_operators.conf``, see asterisk-conf/pjsip.conf): name -> the password of its auth.

Pure, and only as much of Asterisk's config syntax as that file uses: ``[name](template,...)``
sections, ``key = value`` lines, ``;`` comments. A section's type is its own ``type`` or that of its
templates, the ``[operator](!)``, ``[operator-auth](!)`` and ``[operator-aor](!)`` of pjsip.conf.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE_TYPES = {"operator": "endpoint", "operator-auth": "auth", "operator-aor": "aor"}
_SECTION = re.compile(r"^\[([^\]]+)\]\s*(?:\(([^)]*)\))?$")


def parse_endpoints(text: str) -> dict[str, str | None]:
    """Each endpoint section's name and the password of the auth it names (None: no such auth)."""
    sections: list[tuple[str, dict[str, str]]] = []
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION.match(line)
        if header:
            name, templates = header.group(1).strip(), header.group(2) or ""
            values: dict[str, str] = {}
            for template in (t.strip() for t in templates.split(",")):
                if template in TEMPLATE_TYPES:
                    values["type"] = TEMPLATE_TYPES[template]
            sections.append((name, values))
            continue
        key, sep, value = line.partition("=")
        if sep and sections:
            sections[-1][1][key.strip().lstrip(">")] = value.strip()
    auths = {name: values.get("password") for name, values in sections if values.get("type") == "auth"}
    return {
        name: auths.get(values.get("auth", name))
        for name, values in sections
        if values.get("type") == "endpoint"
    }


def read_endpoints(path: Path) -> dict[str, str | None]:
    """The endpoints of the file at ``path``; none when it does not exist (``#tryinclude``)."""
    try:
        return parse_endpoints(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
