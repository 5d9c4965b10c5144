"""A score's weighted total, exact: each criterion adds its weight times the share of its scale
reached, and the total is that sum as a percentage of the sum of the weights.

``percent = 100 * sum(weight * value / max_points) / sum(weight)``, computed with ``Fraction`` so no
rounding happens before the one place that stores it (``stored_percent``, 6 decimal places).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from dialer.errors import InvalidInput
from dialer.qa.models import Scale

STORED_PLACES = Decimal("0.000001")
SHOWN_PLACES = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Rule:
    """One criterion as scoring needs it."""

    key: str
    weight: Decimal
    scale: Scale
    max_points: int

    def describe_scale(self) -> str:
        if self.scale is Scale.YES_NO:
            return "0 (no) or 1 (yes)"
        return f"0 to {self.max_points} points"


def check_values(rules: Sequence[Rule], values: Mapping[str, int]) -> None:
    """Every criterion marked, none unknown, each within its scale; else one error naming them."""
    known = {rule.key for rule in rules}
    problems = [f"values.{key}: no such criterion on this scorecard" for key in values if key not in known]
    for rule in rules:
        if rule.key not in values:
            problems.append(f"values.{rule.key}: missing; every criterion needs a value")
            continue
        value = values[rule.key]
        if isinstance(value, bool) or not 0 <= value <= rule.max_points:
            problems.append(f"values.{rule.key}: {value!r} is outside its scale, {rule.describe_scale()}")
    if problems:
        raise InvalidInput("; ".join(problems))


def weighted_percent(rules: Sequence[Rule], values: Mapping[str, int]) -> Fraction:
    """The weighted total as an exact percentage of the maximum (0 to 100)."""
    if not rules:
        raise InvalidInput("the scorecard has no criteria")
    check_values(rules, values)
    total_weight = sum((Fraction(rule.weight) for rule in rules), Fraction(0))
    if total_weight <= 0:
        raise InvalidInput("the scorecard's weights add up to zero")
    earned = sum(
        (Fraction(rule.weight) * Fraction(values[rule.key], rule.max_points) for rule in rules), Fraction(0)
    )
    return 100 * earned / total_weight


def rounded(value: Fraction, places: Decimal) -> Decimal:
    """``value`` as a Decimal rounded half-to-even to ``places`` (exact division first)."""
    exponent = -places.as_tuple().exponent  # type: ignore[operator]
    scaled = value * 10**exponent
    whole = round(scaled)  # Fraction.__round__ rounds half to even
    return (Decimal(whole) / Decimal(10**exponent)).quantize(places, rounding=ROUND_HALF_EVEN)


def stored_percent(value: Fraction) -> Decimal:
    return rounded(value, STORED_PLACES)


def shown_percent(value: Fraction) -> Decimal:
    return rounded(value, SHOWN_PLACES)
