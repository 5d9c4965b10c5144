"""The pure decision "is this campaign exhausted": only when every contact is final and nothing of
the campaign is live or pending."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dialer.campaigns.exhaustion import FINAL, Fate, exhaustion


def test_every_contact_final_and_nothing_live_is_exhausted() -> None:
    verdict = exhaustion({Fate.DONE: 3, Fate.DO_NOT_CALL: 1, Fate.OUT_OF_ATTEMPTS: 2, Fate.NO_CONSENT: 1})
    assert verdict.exhausted
    assert verdict.reason == "every contact is final: 3 done, 1 do not call, 2 out of attempts, 1 no consent"


def test_a_pending_retry_callback_new_or_held_contact_keeps_it_going() -> None:
    for fate in (Fate.NEW, Fate.RETRY, Fate.CALLBACK, Fate.HELD):
        verdict = exhaustion({Fate.DONE: 10, fate: 1})
        assert not verdict.exhausted
        assert verdict.reason == f"contacts still to dial: 1 {fate.value}"


def test_a_live_call_or_a_pending_preview_keeps_it_going() -> None:
    assert exhaustion({Fate.DONE: 1}, live_calls=1).reason == "1 call(s) still live"
    assert not exhaustion({Fate.DONE: 1}, pending_previews=2).exhausted


def test_a_campaign_without_contacts_is_not_exhausted() -> None:
    assert exhaustion({}).reason == "no contacts"
    assert not exhaustion({Fate.DONE: 0}).exhausted


@given(
    st.dictionaries(st.sampled_from(list(Fate)), st.integers(0, 5)),
    st.integers(0, 2),
    st.integers(0, 2),
)
def test_exhausted_exactly_when_everything_is_final_and_quiet(
    fates: dict[Fate, int], live: int, previews: int
) -> None:
    verdict = exhaustion(fates, live_calls=live, pending_previews=previews)
    some = any(n > 0 for n in fates.values())
    all_final = all(fate in FINAL for fate, n in fates.items() if n > 0)
    assert verdict.exhausted == (some and all_final and live == 0 and previews == 0)
