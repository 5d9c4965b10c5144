"""An office extension written after a number: ``8 495 150-22-22 доб. 123``, ``ext 45``, ``x45``, ``#123``.

The extension is the digits after a marker at the end of the cell: ``доб``, ``добавочный``, ``вн``,
``внутр``, ``внутренний`` (Russian), ``ext``, ``extension``, ``x`` (Latin or Cyrillic ``х``), ``#``,
each optionally followed by ``.`` or ``:``, and optionally in brackets (``(доб. 123)``). Anything
else after a number is not an extension, and the number stays refused as "not a number".
"""

from __future__ import annotations

import re

MAX_EXTENSION_DIGITS = 10

_EXTENSION = re.compile(
    r"""^(?P<number>.*?[\d)])[\s,]*\(?\s*
        (?:добавочный|доб|внутренний|внутр|вн|extension|ext|x|х|\#)
        \s*[.:]?\s*(?P<extension>\d{1,"""
    + str(MAX_EXTENSION_DIGITS)
    + r"""})\s*\)?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def split_extension(raw: str) -> tuple[str, str] | None:
    """The number part and the extension's digits, or ``None`` when ``raw`` ends in no extension."""
    match = _EXTENSION.match(raw.strip())
    if match is None:
        return None
    return match["number"].strip(), match["extension"]
