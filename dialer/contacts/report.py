"""What an import tells the person who ran it: counts, and the rows it refused with the reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the import's reading process builds reports without loading the ORM
    from dialer.contacts.models import ImportJob

MAX_STORED_PROBLEMS = 1000


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One refused, duplicate or partly kept row; ``row`` is as the file shows it (header = row 1)."""

    row: int
    column: str
    value: str
    reason: str


@dataclass(slots=True)
class ImportProgress:
    """Where a running import is, for a progress line or an event."""

    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    on_dnc: int = 0
    rejected: int = 0
    bytes_read: int = 0
    total_bytes: int | None = None
    elapsed_s: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.rows_read / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass(slots=True)
class ImportReport:
    """The outcome of one import. ``problems`` keeps the first :data:`MAX_STORED_PROBLEMS`; the counts
    count them all. For a do-not-call import ``imported`` counts numbers added to the list and
    ``on_dnc`` counts existing contacts newly marked do-not-call."""

    job_id: int
    status: str
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    on_dnc: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    error: str | None = None
    problems_total: int = 0
    sheet: str | None = None  # the workbook sheet read; None for CSV

    def add_problem(self, problem: RowProblem) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_STORED_PROBLEMS:
            self.problems.append(problem)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_job(cls, job: ImportJob) -> ImportReport:
        problems = [RowProblem(**p) for p in job.problems or []]
        return cls(
            job_id=job.id,
            status=str(job.status),
            rows_read=job.rows_read,
            imported=job.imported,
            duplicates=job.duplicates,
            on_dnc=job.on_dnc,
            rejected=job.rejected,
            problems=problems,
            error=job.error,
            problems_total=len(problems),
            sheet=job.sheet,
        )
