"""The weighted total: exact, within 0..100, and refusing values outside a criterion's scale."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.errors import InvalidInput
from dialer.qa.models import Scale
from dialer.qa.scoring import Rule, shown_percent, stored_percent, weighted_percent

GREETING = Rule("greeting", Decimal(1), Scale.YES_NO, 1)
NEED = Rule("need_identified", Decimal(2), Scale.POINTS, 5)
OBJECTIONS = Rule("objections", Decimal("1.5"), Scale.POINTS, 3)
CARD = [GREETING, NEED, OBJECTIONS]


def test_each_criterion_adds_its_weight_times_its_share_of_the_scale():
    # (1 * 1 + 2 * 3/5 + 1.5 * 1/3) / 4.5 = 2.7 / 4.5 = 60 %
    assert weighted_percent(CARD, {"greeting": 1, "need_identified": 3, "objections": 1}) == 60
    assert weighted_percent(CARD, {"greeting": 0, "need_identified": 0, "objections": 0}) == 0
    assert weighted_percent(CARD, {"greeting": 1, "need_identified": 5, "objections": 3}) == 100


def test_the_total_is_exact_and_rounded_only_when_shown():
    thirds = [Rule("a", Decimal(1), Scale.POINTS, 3)]
    total = weighted_percent(thirds, {"a": 1})
    assert total == Fraction(100, 3)
    assert stored_percent(total) == Decimal("33.333333")
    assert shown_percent(total) == Decimal("33.33")


def test_a_value_outside_its_scale_is_refused_naming_the_criterion():
    with pytest.raises(InvalidInput, match=r"values\.need_identified: 6 is outside its scale, 0 to 5 points"):
        weighted_percent(CARD, {"greeting": 1, "need_identified": 6, "objections": 0})
    with pytest.raises(
        InvalidInput, match=r"values\.greeting: 2 is outside its scale, 0 \(no\) or 1 \(yes\)"
    ):
        weighted_percent(CARD, {"greeting": 2, "need_identified": 1, "objections": 0})
    with pytest.raises(InvalidInput, match=r"values\.objections: -1"):
        weighted_percent(CARD, {"greeting": 1, "need_identified": 1, "objections": -1})


def test_missing_and_unknown_criteria_are_named():
    with pytest.raises(InvalidInput) as refused:
        weighted_percent(CARD, {"greeting": 1, "need_identified": 1, "tone": 2})
    assert "values.tone: no such criterion" in refused.value.message
    assert "values.objections: missing" in refused.value.message


weights = st.decimals(min_value=Decimal("0.000001"), max_value=1000, places=6)


@st.composite
def cards_and_values(draw: st.DrawFn) -> tuple[list[Rule], dict[str, int]]:
    size = draw(st.integers(1, 8))
    rules = [Rule(f"c{i}", draw(weights), Scale.POINTS, draw(st.integers(1, 100))) for i in range(size)]
    values = {rule.key: draw(st.integers(0, rule.max_points)) for rule in rules}
    return rules, values


@given(cards_and_values())
def test_the_total_lies_between_the_worst_and_the_best_mark(card: tuple[list[Rule], dict[str, int]]):
    rules, values = card
    total = weighted_percent(rules, values)
    assert 0 <= total <= 100
    best = {rule.key: rule.max_points for rule in rules}
    assert weighted_percent(rules, best) == 100
    assert weighted_percent(rules, dict.fromkeys(best, 0)) == 0


@given(cards_and_values(), st.integers(1, 50))
def test_scaling_every_weight_changes_nothing(card: tuple[list[Rule], dict[str, int]], factor: int):
    rules, values = card
    scaled = [Rule(r.key, r.weight * factor, r.scale, r.max_points) for r in rules]
    assert weighted_percent(scaled, values) == weighted_percent(rules, values)


@given(cards_and_values())
def test_raising_one_mark_never_lowers_the_total(card: tuple[list[Rule], dict[str, int]]):
    rules, values = card
    for rule in rules:
        if values[rule.key] < rule.max_points:
            better = {**values, rule.key: values[rule.key] + 1}
            assert weighted_percent(rules, better) > weighted_percent(rules, values)
