"""The daily report's aggregation: a day computed by hand, and properties over generated days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.errors import InvalidInput
from dialer.reports.daily import CallFact, CampaignFacts, Goals, StateChange, daily_report, day_bounds

DAY = date(2026, 11, 26)


def at(hh: int, mm: int = 0, ss: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=UTC)


LABELS = {"sale": "Продажа", "not_interested": "Не интересно", "hot_lead": "Горячий лид"}
FACTS = CampaignFacts(
    campaign_id=1,
    campaign="Кредитки",
    client="Ромашка",
    labels=LABELS,
    conversion_codes=frozenset({"sale", "hot_lead"}),
    operator_names={1: "Ольга", 2: "Иван", 3: "Пётр"},
    goals=Goals(calls=10, conversion_rate=0.3, leads=2),
)


def connected(call_id, contact, op, placed, talk, code=None, hot=False, recording=False):
    return CallFact(
        call_id=call_id,
        contact_id=contact,
        operator_id=op,
        placed_at=placed,
        answered_at=placed + timedelta(seconds=10),
        connected_at=placed + timedelta(seconds=11),
        talk_seconds=talk,
        disposition_code=code,
        hot_lead=hot,
        phone=f"+7495000000{contact}",
        recording=recording,
    )


CALLS = [
    connected(1, 1, 1, at(9), 60.0, "sale", hot=True, recording=True),
    connected(2, 2, 2, at(9, 5), 30.0, "not_interested"),
    CallFact(3, 3, None, at(9, 10)),
    CallFact(4, 3, None, at(10), answered_at=at(10, 0, 8), abandoned=True),
    CallFact(5, 4, None, at(10, 30), answered_at=at(10, 30, 5)),  # a machine
    CallFact(6, 5, None, at(23, 59, day=DAY - timedelta(days=1))),  # the day before: not in it
    connected(7, 2, 1, at(10, 45), 90.0),  # not disposed yet
]
CHANGES = [
    StateChange(1, at(20, day=DAY - timedelta(days=1)), "logged_out", (1,)),
    StateChange(1, at(8), "paused", (1,)),
    StateChange(1, at(8, 30), "ready", (1,)),
    StateChange(1, at(9, 0, 11), "on_call", (1,)),
    StateChange(1, at(9, 1, 11), "wrap_up", (1,)),
    StateChange(1, at(9, 1, 21), "ready", (1,)),
    StateChange(1, at(12), "paused", (1,)),
    StateChange(1, at(12, 30), "logged_out", (1,)),
    StateChange(2, at(22, day=DAY - timedelta(days=1)), "ready", (1,)),  # across midnight
    StateChange(2, at(1), "logged_out", (1,)),
    StateChange(3, at(9), "ready", (2,)),  # another campaign
    StateChange(3, at(10), "logged_out", (2,)),
]


def report():
    return daily_report(FACTS, DAY, "UTC", CALLS, CHANGES, "https://dialer.example/")


def test_the_days_totals_as_computed_by_hand():
    t = report().totals
    assert (t.placed, t.answered, t.connected, t.abandoned) == (6, 5, 3, 1)
    assert (t.contacts_dialed, t.contacts_reached) == (4, 2)
    assert (t.contact_rate, t.abandon_rate) == (0.5, 0.25)
    assert (t.conversions, t.conversion_rate, t.leads) == (1, 0.3333, 1)
    assert (t.talk_seconds, t.average_talk_seconds) == (180.0, 60.0)


def test_dispositions_list_every_code_then_the_undisposed():
    rows = [(d.code, d.calls, d.share, d.conversion) for d in report().dispositions]
    assert rows == [
        ("sale", 1, 0.3333, True),
        ("not_interested", 1, 0.3333, False),
        ("hot_lead", 0, 0.0, True),
        ("—", 1, 0.3333, False),
    ]


def test_operators_from_their_calls_and_their_state_changes_in_this_campaign_only():
    lines = {o.name: o for o in report().operators}
    assert set(lines) == {"Ольга", "Иван"}
    olga, ivan = lines["Ольга"], lines["Иван"]
    assert (olga.calls, olga.talk_seconds) == (2, 150.0)
    assert (olga.logged_in_seconds, olga.pause_seconds, olga.busy_seconds) == (16200.0, 3600.0, 70.0)
    assert olga.occupancy == round(70 / 12600, 4)
    assert (ivan.calls, ivan.talk_seconds, ivan.logged_in_seconds, ivan.occupancy) == (1, 30.0, 3600.0, 0.0)


def test_hours_goals_and_recording_links():
    r = report()
    nine, ten = r.hours[9], r.hours[10]
    assert (nine.placed, nine.answered, nine.connected, nine.conversions, nine.talk_seconds) == (
        3,
        2,
        2,
        1,
        90.0,
    )
    assert (ten.placed, ten.answered, ten.connected, ten.abandoned, ten.talk_seconds) == (3, 3, 1, 1, 90.0)
    assert sum(h.placed for h in r.hours) == 6 and len(r.hours) == 24
    assert [(g.name, g.target, g.actual, g.met) for g in r.goals] == [
        ("calls", 10, 6, False),
        ("conversion_rate", 0.3, 0.3333, True),
        ("leads", 2, 1, False),
    ]
    (link,) = r.recordings
    assert (link.call_id, link.operator, link.disposition) == (1, "Ольга", "Продажа")
    assert link.url == "https://dialer.example/recordings/1/audio"


def test_a_local_day_and_its_hours_follow_the_zone():
    start, end = day_bounds(DAY, "Europe/Moscow")
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (at(21, day=DAY - timedelta(days=1)), at(21))
    r = daily_report(FACTS, DAY, "Europe/Moscow", CALLS, CHANGES)
    assert r.totals.placed == 7  # 23:59 UTC the day before is 02:59 in Moscow on the day
    assert r.hours[12].placed == 3 and r.hours[2].placed == 1


def test_an_unknown_zone_is_refused_by_name():
    with pytest.raises(InvalidInput, match="tz: unknown time zone 'Mars/Olympus'"):
        day_bounds(DAY, "Mars/Olympus")


STATES = ["ready", "on_call", "wrap_up", "paused", "logged_out"]
moments = st.integers(min_value=-6 * 3600, max_value=30 * 3600).map(lambda s: at(0) + timedelta(seconds=s))


@st.composite
def calls(draw):
    placed = draw(moments)
    answered = draw(st.booleans())
    person = answered and draw(st.booleans())
    put_through = person and draw(st.booleans())
    return CallFact(
        call_id=draw(st.integers(1, 10**6)),
        contact_id=draw(st.integers(1, 20)),
        operator_id=draw(st.sampled_from([1, 2, 3])) if put_through else None,
        placed_at=placed,
        answered_at=placed + timedelta(seconds=5) if answered else None,
        connected_at=placed + timedelta(seconds=6) if put_through else None,
        abandoned=person and not put_through,
        talk_seconds=draw(st.floats(0, 3600)) if put_through else None,
        disposition_code=draw(st.sampled_from([None, "sale", "not_interested", "gone"]))
        if put_through
        else None,
    )


changes = st.builds(
    StateChange,
    operator_id=st.sampled_from([1, 2, 3]),
    at=moments,
    state=st.sampled_from(STATES),
    campaign_ids=st.sampled_from([(1,), (2,), (1, 2)]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(calls(), max_size=40), st.lists(changes, max_size=30))
def test_the_parts_add_up_to_the_whole(day_calls, day_changes):
    r = daily_report(FACTS, DAY, "UTC", day_calls, day_changes)
    t = r.totals
    inside = [c for c in day_calls if at(0) <= c.placed_at < at(0) + timedelta(days=1)]
    assert t.placed == len(inside) == sum(h.placed for h in r.hours)
    assert t.connected == sum(d.calls for d in r.dispositions) == sum(h.connected for h in r.hours)
    assert t.conversions == sum(d.calls for d in r.dispositions if d.conversion)
    assert t.abandoned == sum(h.abandoned for h in r.hours)
    assert sum(o.calls for o in r.operators) == t.connected
    assert t.talk_seconds == pytest.approx(sum(h.talk_seconds for h in r.hours), abs=0.01)
    assert t.contacts_reached <= t.contacts_dialed <= t.placed
    assert t.connected <= t.answered <= t.placed
    for rate in (t.contact_rate, t.abandon_rate, t.conversion_rate):
        assert 0 <= rate <= 1
    for o in r.operators:
        assert 0 <= o.busy_seconds <= o.logged_in_seconds - o.pause_seconds + 1e-6
        assert o.logged_in_seconds <= 24 * 3600
        assert 0 <= o.occupancy <= 1
