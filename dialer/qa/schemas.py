"""What a scorecard and a score must look like before they are stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dialer.db.bounds import BigIntId, Int32
from dialer.qa.models import Scale

CriterionKey = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")]
MAX_CRITERIA = 50
MAX_POINTS = 100


class CriterionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: CriterionKey = Field(description="Stable name, e.g. greeting; compared across versions.")
    label: str = Field(min_length=1, max_length=200)
    weight: Decimal = Field(gt=0, le=1000, decimal_places=6, description="Relative importance.")
    scale: Scale = Scale.POINTS
    max_points: int | None = Field(
        None, ge=1, le=MAX_POINTS, description="Top of a points scale (0..max_points); yes/no needs none."
    )

    @model_validator(mode="after")
    def _scale_fits(self) -> Self:
        if self.scale is Scale.POINTS and self.max_points is None:
            raise ValueError(f"criterion {self.key}: a points scale needs max_points")
        if self.scale is Scale.YES_NO and self.max_points not in (None, 1):
            raise ValueError(f"criterion {self.key}: a yes/no scale has no max_points")
        return self

    @property
    def top(self) -> int:
        return 1 if self.scale is Scale.YES_NO else int(self.max_points or 0)


class ScorecardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=MAX_CRITERIA)
    sample_per_operator: int | None = Field(
        None, ge=0, le=1000, description="Calls sampled per operator a day; null: the service default."
    )

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        keys = [c.key for c in self.criteria]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"criteria: each key once; repeated: {', '.join(repeated)}")
        return self


class MomentIn(BaseModel):
    """A comment at a moment of the recording."""

    model_config = ConfigDict(extra="forbid")

    at_s: Decimal = Field(ge=0, le=86_400, decimal_places=3, description="Seconds into the recording.")
    text: str = Field(min_length=1, max_length=2000)


class ScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, Int32] = Field(description="Criterion key to its value (points, or 0/1 for yes/no).")
    moments: list[MomentIn] = Field(default_factory=list, max_length=200)
    comment: str = Field("", max_length=5000, description="The overall comment.")


class NewScoreIn(ScoreIn):
    call_id: BigIntId
