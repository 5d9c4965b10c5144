"""The sample base the README's walk-through uploads (``examples/base-cp1251.csv``) imports as the
README says: nine contacts, the three bad rows reported by row and column."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "base-cp1251.csv"


async def test_the_walk_through_base_imports_nine_contacts_and_reports_three_rows(client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    files = {"file": (EXAMPLE.name, EXAMPLE.read_bytes(), "text/csv")}
    response = await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, files=files)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows_read"], report["imported"], report["duplicates"], report["rejected"]) == (
        12,
        9,
        1,
        2,
    )
    problems = {(p["row"], p["column"]) for p in report["problems"]}
    assert {(8, "Телефон"), (9, "Телефон"), (10, "Телефон")} <= problems
    page = (await client.get(f"/campaigns/{campaign_id}/contacts?limit=50", headers=admin)).json()
    assert page["total"] == 9
    zones = {c["phone"]: c["timezone"] for c in page["items"]}
    assert zones["+74232401122"] == "Asia/Vladivostok"
