"""Why an import is refused as a whole, before (or instead of) writing anything."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file cannot be imported; nothing it contains was kept."""

    def __init__(self, message: str, *, job_id: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.job_id = job_id


class UnreadableFile(ImportRefused):
    """Not a CSV or XLSX table we can read: wrong format, undecodable text, no phone column, ..."""


class FileTooLarge(ImportRefused):
    """Larger than ``Settings.import_max_bytes``; found out before the file is read whole."""

    def __init__(self, limit: int, size: int) -> None:
        super().__init__(f"the file is larger than the {limit:,}-byte limit ({size:,} bytes or more)")
        self.limit = limit
        self.size = size

    def __reduce__(self) -> tuple[type[FileTooLarge], tuple[int, int], dict[str, object]]:
        """Rebuilt from its limit and size (it crosses from the import's reading process pickled)."""
        return (type(self), (self.limit, self.size), self.__dict__)


class NotFound(LookupError):
    """The campaign or client an import or a do-not-call entry names does not exist."""
