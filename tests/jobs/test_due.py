from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.jobs.definition import Job, JobContext
from dialer.jobs.due import due_jobs, utc_day
from dialer.settings import Settings

SETTINGS = Settings(database_url="sqlite+aiosqlite:///:memory:")


async def _noop(ctx: JobContext) -> str:
    return "ok"


def job(name: str, at: time) -> Job:
    return Job(name=name, description="", run_at=lambda s: at, run=_noop)


def test_a_job_is_due_once_its_time_has_passed_and_not_before():
    early, late = job("early", time(2, 0)), job("late", time(23, 0))
    now = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert due_jobs([early, late], now, SETTINGS, set()) == [early]


def test_a_job_done_today_is_not_due_but_is_due_again_tomorrow():
    daily = job("daily", time(2, 0))
    today = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    settled = {("daily", date(2026, 11, 27))}
    assert due_jobs([daily], today, SETTINGS, settled) == []
    assert due_jobs([daily], today + timedelta(days=1), SETTINGS, settled) == [daily]


def test_the_day_and_the_time_are_utc_whatever_the_clock_zone():
    moscow = timezone(timedelta(hours=3))
    now = datetime(2026, 11, 28, 1, 0, tzinfo=moscow)  # 22:00 UTC the day before
    assert utc_day(now) == date(2026, 11, 27)
    assert due_jobs([job("late", time(21, 59))], now, SETTINGS, set())


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError, match="aware"):
        due_jobs([job("x", time(0))], datetime(2026, 1, 1), SETTINGS, set())


@given(
    at=st.times(),
    moment=st.datetimes(timezones=st.just(UTC)),
    done=st.booleans(),
)
def test_due_exactly_when_past_its_time_and_not_settled(at, moment, done):
    daily = job("daily", at)
    settled = {("daily", moment.date())} if done else set()
    due = due_jobs([daily], moment, SETTINGS, settled)
    assert bool(due) == (not done and moment.time() >= at)
