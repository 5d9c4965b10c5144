"""Shapes shared by every resource: exact decimals as strings, pages, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer

T = TypeVar("T")


def _plain(value: Decimal) -> str:
    """``Decimal("1.005000")`` as ``"1.005"``, ``Decimal("1E+2")`` as ``"100"``: no exponent, no float."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


DecimalStr = Annotated[Decimal, PlainSerializer(_plain, return_type=str, when_used="json")]


class Out(BaseModel):
    """Base of response models: read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ErrorOut(BaseModel):
    detail: str
