"""Local channels come in pairs (``Local/x@ctx-0001;1`` and ``...;2``): find one half from the other."""

from __future__ import annotations


def is_local(name: str | None) -> bool:
    return name is not None and name.startswith("Local/")


class LocalPairs:
    """Local channel names -> Uniqueid, while the channels live."""

    def __init__(self) -> None:
        self._uniqueids: dict[str, str] = {}

    def seen(self, name: str | None, uniqueid: str) -> None:
        if name is not None and name.startswith("Local/"):
            self._uniqueids[name] = uniqueid

    def gone(self, name: str | None) -> None:
        if name is not None and name.startswith("Local/"):
            self._uniqueids.pop(name, None)

    def partner(self, name: str | None) -> str | None:
        """The Uniqueid of the other half of ``name``'s pair, if it is known."""
        name = name or ""
        if not name.startswith("Local/") or name[-2:] not in (";1", ";2"):
            return None
        return self._uniqueids.get(name[:-1] + ("2" if name.endswith("1") else "1"))

    def clear(self) -> None:
        self._uniqueids.clear()
