"""An IVR survey campaign run by the whole service against the simulator: no operator needed to dial,
each customer types the answers scripted for them, a hang-up mid-survey leaves partial answers, and
"press 1" callers reach an operator who sets a disposition."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import CallOutcome
from dialer.contacts.models import ContactStatus
from dialer.demo.data import SUPERVISOR
from dialer.dialing_modes import DialMode
from dialer.surveys import service as surveys
from dialer.surveys.models import ResponseOutcome, SurveyAnswer, SurveyResponse
from dialer.surveys.schemas import SurveyIn
from pbxsim import CustomerScript, Scenario
from pbxsim.dtmf import HANG_UP
from tests.e2e.checks import overlap_problems, record_problems
from tests.e2e.harness import api_get, calls_and_contacts, running_stack, wait_finished

SURVEY = SurveyIn.model_validate(
    {
        "intro": "survey/hello",
        "goodbye": "survey/thanks",
        "retry_prompt": "survey/again",
        "questions": [
            {
                "key": "rating",
                "prompt": "survey/q-rating",
                "choices": [
                    {"digit": d, "meaning": m} for d, m in (("1", "good"), ("2", "fair"), ("3", "poor"))
                ],
                "timeout_s": 3,
            },
            {
                "key": "district",
                "prompt": "survey/q-district",
                "choices": [{"digit": "101", "meaning": "centre"}, {"digit": "102", "meaning": "north"}],
                "timeout_s": 3,
            },
            {
                "key": "talk",
                "prompt": "survey/press-1",
                "choices": [{"digit": "1", "meaning": "talk to us"}, {"digit": "9", "meaning": "no thanks"}],
                "transfer_digit": "1",
            },
        ],
    }
)
MEANING = {(q.key, c.digit): c.meaning for q in SURVEY.questions for c in q.choices}


def survey_base() -> tuple[dict[str, tuple[str, tuple[str, ...]]], Scenario]:
    """36 numbers: 20 complete the survey (one after a wrong key, one after a silence), 6 hang up
    after the first question, 6 press 1, 4 answering machines. By phone: (kind, keys per prompt)."""
    plans: dict[str, tuple[str, tuple[str, ...]]] = {}
    scenario = Scenario(seed=11)
    for i in range(36):
        phone = f"+7916555{i:04d}"
        rating, district = str(1 + i % 3), ("101", "102")[i % 2]
        if i < 20:
            keys: tuple[str, ...] = (rating, district, "9")
            if i == 0:
                keys = ("7", rating, district, "9")  # not a choice: asked again
            if i == 1:
                keys = (rating, "", district + "#", "9")  # silence: asked again
            kind = "complete"
        elif i < 26:
            kind, keys = "partial", (rating, HANG_UP)
        elif i < 32:
            kind, keys = "press1", (rating, district, "1")
        else:
            kind, keys = "machine", ()
        plans[phone] = (kind, keys)
        amd = "machine" if kind == "machine" else "human"
        scenario.customers[phone.lstrip("+")] = CustomerScript(
            "answer", ring=1.0 + i % 4, talk=6.0, amd=amd, dtmf=keys, patience=300.0
        )
    return plans, scenario


async def define_survey(session: AsyncSession, campaign_id: int) -> None:
    await surveys.put_survey(session, SUPERVISOR, campaign_id, SURVEY, now=datetime.now(UTC))


def expected_answers(keys: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """The valid answer each question gets from the keys typed at its prompts."""
    wanted = []
    typed = [k.rstrip("#") for k in keys if k != HANG_UP]
    valid = {"rating": {"1", "2", "3"}, "district": {"101", "102"}, "talk": {"1", "9"}}
    for question in ("rating", "district", "talk"):
        while typed:
            key = typed.pop(0)
            if key in valid[question]:
                wanted.append((question, key))
                break
        else:
            break
    return wanted


async def test_a_survey_campaign_collects_answers_per_contact(database_url, sessions, tmp_path) -> None:
    plans, scenario = survey_base()
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": list(plans)},
        mode=DialMode.SURVEY,
        max_attempts=2,
        retry_s=30,
        prepare=define_survey,
    ) as stack:
        await wait_finished(stack)
        calls, contacts = await calls_and_contacts(stack)
        page = await api_get(stack, f"/campaigns/{stack.demo.campaign_id}/survey/answers?limit=1000")
        async with stack.sessions() as session:
            responses = {r.contact_id: r for r in await session.scalars(select(SurveyResponse))}
            answers: dict[int, list[SurveyAnswer]] = {}
            for answer in await session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.position)):
                answers.setdefault(answer.response_id, []).append(answer)

    assert record_problems(calls) == []
    assert overlap_problems(calls) == []
    by_phone = {c.phone: c for c in contacts.values()}
    outcomes = Counter(c.outcome for c in calls)
    assert outcomes[CallOutcome.SURVEYED] == 26 and outcomes[CallOutcome.HUMAN_CONNECTED] == 6
    assert outcomes[CallOutcome.ABANDONED] == 0
    problems = []
    for phone, (kind, keys) in plans.items():
        contact = by_phone[phone]
        response = responses.get(contact.id)
        if kind == "machine":
            if response is not None or contact.status is not ContactStatus.EXHAUSTED:
                problems.append(f"{phone} machine: {response} {contact.status}")
            continue
        assert response is not None, f"{phone} ({kind}): no survey answers stored"
        got = [(a.question, a.digits) for a in answers.get(response.id, []) if a.digits is not None]
        want = expected_answers(keys)
        if kind == "partial":
            want = want[:1]
        outcome = {
            "complete": ResponseOutcome.COMPLETED,
            "partial": ResponseOutcome.HUNG_UP,
            "press1": ResponseOutcome.TRANSFER,
        }[kind]
        if (response.outcome, got) != (outcome, want):
            problems.append(f"{phone} ({kind}): {response.outcome} {got}, expected {outcome} {want}")
        for a in answers.get(response.id, []):
            if a.digits is not None and a.meaning != MEANING[(a.question, a.digits)]:
                problems.append(f"{phone}: {a.question}={a.digits} means {a.meaning!r}")
        call = next(c for c in calls if c.id == response.call_id)
        if kind == "press1":
            if call.outcome is not CallOutcome.HUMAN_CONNECTED or call.operator_id is None:
                problems.append(f"{phone} pressed 1: call {call.outcome}, operator {call.operator_id}")
        elif call.outcome is not CallOutcome.SURVEYED or contact.status is not ContactStatus.DONE:
            problems.append(f"{phone} ({kind}): call {call.outcome}, contact {contact.status}")
    assert problems == []
    assert page["total"] == 32
    assert Counter(r["outcome"] for r in page["items"]) == {"completed": 20, "hung_up": 6, "transfer": 6}
    retried = [k for k, (_, keys) in plans.items() if "7" in keys or "" in keys]
    assert all(any(a.attempts == 2 for a in answers[responses[by_phone[p].id].id]) for p in retried)
