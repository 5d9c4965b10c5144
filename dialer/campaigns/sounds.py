"""Asterisk sound names a campaign may set (its abandon and answering-machine messages).

A sound name is what ``Playback()`` takes: a path relative to Asterisk's sounds folder, without
extension (``dialer/abandon``, ``custom/romashka-id``). It travels to the dialplan in a channel
variable and as an application argument, so it must not climb out of the sounds folder (no absolute
path, no ``..``) nor carry the characters that split Asterisk arguments (``,`` ``|``) or anything
else outside letters, digits, ``_``, ``-``, ``.`` and ``/``.
"""

from __future__ import annotations

import re

MAX_LENGTH = 200
_SEGMENT = re.compile(r"^[A-Za-z0-9_.-]+\Z")


def check_sound_name(value: str) -> str:
    """``value`` if it is a safe sound name (empty is allowed: the global setting applies)."""
    if value == "":
        return value
    if len(value) > MAX_LENGTH:
        raise ValueError(f"a sound name is at most {MAX_LENGTH} characters")
    for bad in (",", "|"):
        if bad in value:
            raise ValueError(f"a sound name may not contain {bad!r} (it splits Asterisk arguments)")
    if value.startswith("/"):
        raise ValueError("give a sound name relative to Asterisk's sounds folder, not an absolute path")
    for segment in value.split("/"):
        if segment in ("", ".", ".."):
            raise ValueError(f"{value!r}: empty, '.' or '..' path segments are not allowed")
        if not _SEGMENT.match(segment):
            raise ValueError(
                f"{value!r}: only letters, digits, '_', '-', '.' and '/' are allowed in a sound name"
            )
    return value
