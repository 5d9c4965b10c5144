"""AMD false positives through the API: an operator, QA or a supervisor reviews a call's AMD verdict;
under the UK profile a machine reviewed as a person counts as an abandoned call in the pacing figures,
under the US profile it does not."""

from __future__ import annotations

import pytest

from dialer.auth.models import Role
from dialer.calls import service
from dialer.calls.models import CallOutcome
from tests.api.conftest import detail
from tests.api.test_calls import NOW, place, shift  # noqa: F401 (fixture)


async def machine_call(app, campaign_id: int, uid: str, status: str = "MACHINE") -> int:
    call_id = await place(app, campaign_id, uid, None, outcome=CallOutcome.MACHINE)
    async with app.state.sessions() as session, session.begin():
        await service.mark_amd(session, uid, status, "LONGGREETING-1500-1500", NOW)
    return call_id


async def abandon_figures(client, headers, campaign_id: int) -> tuple[int, int]:
    pacing = (await client.get(f"/campaigns/{campaign_id}/pacing", headers=headers)).json()
    return pacing["abandon"]["answered"], pacing["abandon"]["abandoned"]


@pytest.mark.parametrize(("profile", "counted"), [("uk", True), ("us", False)])
async def test_a_machine_reviewed_as_a_person_is_an_abandon_where_the_profile_says_so(
    app, client, admin, login, two_clients, profile, counted
):
    campaign_id = two_clients[0].campaign_id
    await client.patch(f"/campaigns/{campaign_id}", json={"compliance_profile": profile}, headers=admin)
    await place(app, campaign_id, "talked", None)  # one person answered and put through
    call_id = await machine_call(app, campaign_id, "greeting")
    assert await abandon_figures(client, admin, campaign_id) == (1, 0)

    qa = await login(Role.QA)
    response = await client.post(
        f"/calls/{call_id}/amd-review", json={"verdict": "human", "note": "said hello twice"}, headers=qa
    )
    assert response.status_code == 200, response.text
    call = response.json()
    assert (call["amd_status"], call["amd_review"], call["amd_review_note"]) == (
        "MACHINE",
        "human",
        "said hello twice",
    )
    assert call["amd_reviewed_by"] and call["amd_reviewed_at"]
    assert await abandon_figures(client, admin, campaign_id) == ((2, 1) if counted else (1, 0))
    pacing = (await client.get(f"/campaigns/{campaign_id}/pacing", headers=admin)).json()
    assert pacing["abandon"]["within_cap"] is not counted  # 1 of 2 is far over 3%

    confirmed = await client.post(f"/calls/{call_id}/amd-review", json={"verdict": "machine"}, headers=admin)
    assert confirmed.json()["amd_review"] == "machine"  # a newer review replaces the older one
    assert await abandon_figures(client, admin, campaign_id) == (1, 0)


async def test_a_person_ami_took_for_a_person_is_not_a_false_positive(app, client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    await client.patch(f"/campaigns/{campaign_id}", json={"compliance_profile": "uk"}, headers=admin)
    call_id = await machine_call(app, campaign_id, "notsure", status="NOTSURE")
    reviewed = await client.post(f"/calls/{call_id}/amd-review", json={"verdict": "human"}, headers=admin)
    assert reviewed.status_code == 200
    assert await abandon_figures(client, admin, campaign_id) == (0, 0)


async def test_review_is_scoped_like_other_call_routes(app, client, admin, login, two_clients, shift):  # noqa: F811
    mine, theirs = two_clients
    other_call = await machine_call(app, theirs.campaign_id, "theirs")
    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    refused = await client.post(
        f"/calls/{other_call}/amd-review", json={"verdict": "human"}, headers=controller
    )
    assert refused.status_code == 403
    # an operator reviews only calls they took: one AMD put through as a person, say
    taken = await place(app, mine.campaign_id, "olga-took", shift["olga"])
    async with app.state.sessions() as session, session.begin():
        await service.mark_amd(session, "olga-took", "HUMAN", "HUMAN-800-800", NOW)
    olga = shift["olga_headers"]
    assert (
        await client.post(f"/calls/{taken}/amd-review", json={"verdict": "machine"}, headers=olga)
    ).status_code == 200
    not_hers = await client.post(f"/calls/{other_call}/amd-review", json={"verdict": "human"}, headers=olga)
    assert not_hers.status_code == 404


async def test_a_call_without_amd_verdict_or_a_bad_verdict_is_refused(app, client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    plain = await place(app, campaign_id, "no-amd", None, outcome=CallOutcome.BUSY)
    conflict = await client.post(f"/calls/{plain}/amd-review", json={"verdict": "human"}, headers=admin)
    assert conflict.status_code == 409 and "no answering-machine verdict" in detail(conflict)
    bad = await client.post(f"/calls/{plain}/amd-review", json={"verdict": "robot"}, headers=admin)
    assert bad.status_code == 422 and "verdict" in str(detail(bad))
