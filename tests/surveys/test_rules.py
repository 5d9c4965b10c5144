"""The survey's own rules: keys, prompts, choices, the transfer digit, and who may start a survey."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from dialer.campaigns.survey_start import survey_start_problem
from dialer.compliance import PROFILES
from dialer.dialing_modes import DialMode
from dialer.surveys.rules import (
    check_answer_digits,
    check_question_key,
    duplicates,
    meaning_of,
    transfer_problem,
)
from dialer.surveys.schemas import SurveyIn


def question(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "key": "satisfied",
        "prompt": "survey/q-satisfied",
        "choices": [{"digit": "1", "meaning": "yes"}, {"digit": "2", "meaning": "no"}],
    }
    return {**base, **changes}


def errors(data: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as caught:
        SurveyIn.model_validate(data)
    return str(caught.value)


@given(st.text(alphabet="0123456789*", min_size=1, max_size=6))
def test_any_short_run_of_digits_and_star_is_an_answer(keys: str) -> None:
    assert check_answer_digits(keys) == keys


@given(st.text(min_size=0, max_size=8).filter(lambda t: not t or set(t) - set("0123456789*") or len(t) > 6))
def test_anything_else_is_refused_as_an_answer(keys: str) -> None:
    with pytest.raises(ValueError, match="DTMF keys"):
        check_answer_digits(keys)


def test_the_hash_key_ends_input_and_cannot_be_an_answer() -> None:
    with pytest.raises(ValueError, match="# ends input"):
        check_answer_digits("#")


@pytest.mark.parametrize("key", ["q1", "satisfied", "will-buy_2"])
def test_question_keys(key: str) -> None:
    assert check_question_key(key) == key


@pytest.mark.parametrize("key", ["", "Q1", "-q", "a" * 51, "with space"])
def test_bad_question_keys(key: str) -> None:
    with pytest.raises(ValueError, match="question key"):
        check_question_key(key)


def test_duplicates_in_first_seen_order() -> None:
    assert duplicates(["a", "b", "a", "c", "b", "a"]) == ["a", "b"]
    assert duplicates([]) == []


def test_the_transfer_digit_must_be_a_choice() -> None:
    assert transfer_problem({"1": "talk to us", "2": "no"}, "1") is None
    assert transfer_problem({"1": "yes"}, None) is None
    problem = transfer_problem({"1": "yes", "2": "no"}, "9")
    assert problem is not None and "'9'" in problem and "1, 2" in problem


def test_meaning_of_a_pressed_key() -> None:
    assert meaning_of({"1": "yes"}, "1") == "yes"
    assert meaning_of({"1": "yes"}, None) is None
    assert meaning_of({"1": "yes"}, "7") is None


def test_a_valid_survey() -> None:
    survey = SurveyIn.model_validate(
        {
            "intro": "survey/hello",
            "goodbye": "survey/thanks",
            "questions": [
                question(),
                question(
                    key="operator",
                    prompt="survey/press-1",
                    transfer_digit="1",
                    choices=[{"digit": "1", "meaning": "talk to us"}, {"digit": "2", "meaning": "no"}],
                ),
                question(
                    key="zip",
                    choices=[{"digit": "123", "meaning": "Moscow centre"}],
                    timeout_s=10,
                    attempts=3,
                ),
            ],
        }
    )
    assert [q.key for q in survey.questions] == ["satisfied", "operator", "zip"]
    assert survey.questions[1].transfer_digit == "1"
    assert survey.questions[2].max_digits == 3
    assert survey.questions[0].meanings == {"1": "yes", "2": "no"}


def test_errors_name_the_question_and_the_field() -> None:
    assert "questions.0.prompt" in errors({"questions": [question(prompt="")]})
    assert "questions.0.prompt" in errors({"questions": [question(prompt="../../etc/passwd")]})
    duplicate = errors(
        {
            "questions": [
                question(),
                question(key="b", choices=[{"digit": "1", "meaning": "a"}, {"digit": "1", "meaning": "b"}]),
            ]
        }
    )
    assert "questions.1" in duplicate and "choices: digit 1 given more than once" in duplicate
    assert "transfer_digit '5'" in errors({"questions": [question(transfer_digit="5")]})
    assert "key 'satisfied' used more than once" in errors({"questions": [question(), question()]})
    assert "questions" in errors({"questions": []})
    assert "timeout_s" in errors({"questions": [question(timeout_s=0.5)]})
    assert "attempts" in errors({"questions": [question(attempts=9)]})
    assert "intro" in errors({"intro": "a,b", "questions": [question()]})
    assert "meaning" in errors({"questions": [question(choices=[{"digit": "1", "meaning": ""}])]})


def test_a_survey_campaign_needs_its_survey_and_a_profile_that_dials_without_operators() -> None:
    us, ru = PROFILES["us"], PROFILES["ru"]
    assert survey_start_problem(DialMode.SURVEY, us, has_survey=True, campaign_id=3) is None
    missing = survey_start_problem(DialMode.SURVEY, us, has_survey=False, campaign_id=3)
    assert missing is not None and "PUT /campaigns/3/survey" in missing
    refused = survey_start_problem(DialMode.SURVEY, ru, has_survey=True, campaign_id=3)
    assert refused is not None and "'ru'" in refused and "without operators" in refused
    assert survey_start_problem(DialMode.PREDICTIVE, ru, has_survey=False, campaign_id=3) is None
