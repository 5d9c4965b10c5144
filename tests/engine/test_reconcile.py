"""A starting engine takes over what the last one left: expired leases returned, open calls and
operator legs followed before the first resync, operators back on their call or out of wrap-up."""

from __future__ import annotations

from datetime import timedelta

from dialer.engine.floor import Floor, Seat
from dialer.engine.ports import OpenCall, OperatorSession
from dialer.engine.reconcile import reconcile
from tests.engine.fakes import T0, FakePbx, FakeStore


async def test_open_calls_and_legs_are_followed_and_operators_put_back() -> None:
    store, pbx, floor = FakeStore(), FakePbx(), Floor()
    store.expired = 2
    store.sessions = [
        OperatorSession(
            1, "1001", frozenset({1}), False, None, held_channel="op-1001-a", state="on_call", call_uid="c1"
        ),
        OperatorSession(2, "1002", frozenset({1}), False, None, state="wrap_up", call_uid="c0"),
    ]
    store.open = [
        OpenCall(
            "c1", 1, 7, "trunk", "asterisk", T0, T0 + timedelta(seconds=5), T0 + timedelta(seconds=7), 1
        ),
        OpenCall("c2", 1, 8, "trunk", "asterisk", T0, None, None, None),
    ]
    store.orphans = 1
    done = await reconcile(store, pbx, floor, T0 + timedelta(minutes=1))
    assert (done.leases_expired, done.calls_followed, done.legs_followed) == (2, 2, 1)
    assert done.orphans_released == 1
    assert ("release_orphans", (7, 8)) in store.writes  # the open calls' contacts stay leased
    assert pbx.followed == ["op-1001-a", "c1", "c2"]
    first, second = floor.operators["1001"], floor.operators["1002"]
    assert (first.seat, first.call_uid, first.session_id) == (Seat.ON_CALL, "c1", "op-1001-a")
    assert floor.calls["c1"].operator == "1001"
    assert second.seat is Seat.WRAP_UP and floor.wraps_due(T0 + timedelta(minutes=1)) == [second]
