"""``benchmarks/call_writes.py`` runs, and counts what the merge promises: with every early fact
arriving within the hold bound, a call put through takes 4 transactions and any other call 2."""

from __future__ import annotations

from benchmarks.call_writes import scenarios, simulate


async def test_a_campaign_whose_early_facts_all_merge(database_url) -> None:
    calls, seed = 16, 3
    result = await simulate(database_url, calls, speed=0, hold_s=60.0, seed_no=seed)
    kinds = [kind for _, _, kind in scenarios(calls, seed)]
    assert result["writer_failures"] == 0
    assert result["transactions"] == sum(4 if kind == "person" else 2 for kind in kinds)
    assert "person" in kinds and len(set(kinds)) > 1
