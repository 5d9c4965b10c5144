"""The ``dialer contacts`` and ``dialer dnc`` commands, against the test database."""

from __future__ import annotations

import json

import pytest

from dialer.cli import main

from .conftest import csv_bytes, xlsx_bytes


@pytest.fixture
def cli_db(monkeypatch, database_url, world, tmp_path):
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALER_IMPORT_BATCH_ROWS", "2")
    monkeypatch.setenv("DIALER_DATA_DIR", str(tmp_path))
    return world


def test_import_prints_the_report_and_list_shows_the_contacts(cli_db, tmp_path, capsys):
    base = tmp_path / "база.csv"
    base.write_bytes(
        csv_bytes(
            ["Телефон;ФИО;Клиент", "8 916 000-00-01;Анна;А", "89160000001;Анна;А", "нет;Борис;Б"], sep=";"
        )
    )
    assert main(["contacts", "import", str(base), "--campaign", str(cli_db.campaign_id)]) == 0
    out = capsys.readouterr().out
    assert "imported" in out and "duplicate of row 2" in out and "not a number" in out
    lines = {line.split()[0]: line.split()[-1] for line in out.splitlines()[1:6]}
    assert lines == {"rows": "3", "imported": "1", "duplicates": "1", "on": "0", "rejected": "1"}

    assert main(["contacts", "list", "--campaign", str(cli_db.campaign_id), "--json"]) == 0
    captured = capsys.readouterr()
    [contact] = [json.loads(line) for line in captured.out.splitlines()]
    assert (contact["phone"], contact["name"], contact["data"]) == ("+79160000001", "Анна", {"Клиент": "А"})
    assert "1 of 1 contacts" in captured.err


def test_import_with_a_map_and_json_output(cli_db, tmp_path, capsys):
    base = tmp_path / "base.xlsx"
    base.write_bytes(xlsx_bytes([["Куда", "Кто"], [89160000001, "Анна"], [89160000002, "Борис"]]))
    code = main(
        [
            "contacts",
            "import",
            str(base),
            "--campaign",
            str(cli_db.campaign_id),
            "--map",
            "phone=Куда",
            "--map",
            "name=Кто",
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["status"]) == (2, "done")


def test_an_unreadable_file_is_an_error_with_the_reason(cli_db, tmp_path, capsys):
    junk = tmp_path / "base.xlsx"
    junk.write_bytes(b"\x00\xff" * 1000)
    assert main(["contacts", "import", str(junk), "--campaign", str(cli_db.campaign_id)]) == 1
    assert "error: the file is not a text table" in capsys.readouterr().err
    assert main(["contacts", "import", str(junk), "--campaign", "999"]) == 1
    assert "campaign 999 does not exist" in capsys.readouterr().err


def test_export_writes_csv(cli_db, tmp_path, capsys):
    base = tmp_path / "base.csv"
    base.write_bytes(csv_bytes(["phone,city", "89160000001,Тула"], sep=","))
    assert main(["contacts", "import", str(base), "--campaign", str(cli_db.campaign_id)]) == 0
    out = tmp_path / "out.csv"
    assert main(["contacts", "export", "--campaign", str(cli_db.campaign_id), "-o", str(out)]) == 0
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].endswith(";city") and "+79160000001" in lines[1] and lines[1].endswith(";Тула")


def test_dnc_add_import_and_list(cli_db, tmp_path, capsys):
    assert (
        main(["dnc", "add", "8 916 000-00-01", "--client", str(cli_db.client_id), "--reason", "жалоба"]) == 0
    )
    assert "+79160000001" in capsys.readouterr().out
    assert main(["dnc", "add", "позвоните"]) == 1
    assert "not a number" in capsys.readouterr().err
    numbers = tmp_path / "stop.csv"
    numbers.write_text("89160000002\n89160000003\n", encoding="utf-8")
    assert main(["dnc", "import", str(numbers), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 2
    assert main(["dnc", "list"]) == 0
    out = capsys.readouterr().out
    assert "+79160000002" in out and "+79160000003" in out and "+79160000001" not in out
