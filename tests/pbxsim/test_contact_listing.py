"""PJSIPShowContacts answered as Asterisk 22 does (captures d2 and n3): the EventList start response,
one ContactList per contact with the captured fields in their order, ContactListComplete."""

from __future__ import annotations

import asyncio

import pytest

from ami.wire import Message
from pbxsim import PbxSim
from tests.pbxsim.helpers import AmiClient, capture

VARYING = {"ActionID", "ObjectName", "CallId", "ViaPort", "Uri", "QualifyFrequency", "UserAgent",
           "ExpirationTime", "RoundtripUsec"}  # fmt: skip
"""Fields whose values belong to the lab (its softphones, clock and ports); their names still must match."""


def listing(messages: list[Message], action_id: str) -> tuple[Message, list[Message], Message]:
    response = next(m for m in messages if m.response and m.action_id == action_id)
    items = [m for m in messages if m.event == "ContactList" and m.action_id == action_id]
    complete = next(m for m in messages if m.event == "ContactListComplete" and m.action_id == action_id)
    return response, items, complete


def shape(message: Message) -> list[tuple[str, str]]:
    return [(k, "*" if k in VARYING else v) for k, v in message.pairs]


@pytest.mark.parametrize(
    ("action_id", "killed"),
    [("s1-registered-contacts", False), ("s4-killed-unreachable-contacts", True)],
)
async def test_the_listing_matches_the_capture(
    sim: PbxSim, client: AmiClient, action_id: str, killed: bool
) -> None:
    sim.operator("1001")
    sim.operator("1002")
    dying = None
    if killed:  # listed between the failed qualify and the registration's expiry
        dying = asyncio.create_task(sim.kill_softphone("1002", qualify_after=0.5, expire_after=600))
        await client.wait_event("ContactStatus", AOR="1002", ContactStatus="Unreachable")
    await client.action("PJSIPShowContacts", action_id=action_id)
    await client.wait_event("ContactListComplete", ActionID=action_id)
    if dying is not None:
        dying.cancel()
    want = listing(capture("n3_registration_lifecycle_1002"), action_id)
    got = listing(client.received, action_id)
    assert shape(got[0]) == shape(want[0])
    assert [shape(m) for m in got[1]] == [shape(m) for m in want[1]]
    assert shape(got[2]) == shape(want[2])
    unreachable = [m["RoundtripUsec"] for m in got[1] if m["Status"] == "Unreachable"]
    assert unreachable == (["N/A"] if killed else [])


async def test_with_no_contact_the_answer_is_an_error(sim: PbxSim, client: AmiClient) -> None:
    sim.operator("1001", registered=False)
    response = await client.action("PJSIPShowContacts")
    assert (response["Response"], response["Message"]) == ("Error", "No Contacts found")
