"""Reading bases: encodings, separators, header rows and the columns they name."""

from __future__ import annotations

import io

import pytest

from dialer.contacts.columns import is_phone_header, plan_columns
from dialer.contacts.errors import UnreadableFile
from dialer.contacts.reading import detect_delimiter, detect_encoding, open_table
from dialer.contacts.timezones import parse_timezone

from .conftest import csv_bytes, xlsx_bytes


def test_encodings_are_told_apart():
    text = "Телефон;ФИО\n89161234567;Пётр\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(text.encode("cp1251")) == "cp1251"
    assert detect_encoding(text.encode("utf-16")) == "utf-16"
    # a UTF-8 sample cut in the middle of a character is still UTF-8
    assert detect_encoding(text.encode("utf-8")[:-3] + "ё".encode()[:1]) == "utf-8"
    with pytest.raises(UnreadableFile):
        detect_encoding(b"\x01\x02\x03\x04\x05\x06\x07\x08" * 10)
    with pytest.raises(UnreadableFile):
        detect_encoding("Телефон".encode("cp1251") + b"\x98")  # undefined in Windows-1251


def test_the_separator_is_the_one_that_makes_a_table():
    assert detect_delimiter(["Телефон;ФИО;Компания", "8916;Иван, Пётр;ООО"]) == ";"
    assert detect_delimiter(["phone,name", "8916,Ivan"]) == ","
    assert detect_delimiter(["phone\tname\tcity", "8916\tIvan\tТула"]) == "\t"
    assert detect_delimiter(["База клиентов, июнь", "Телефон;ФИО", "1;2", "3;4"]) == ";"
    assert detect_delimiter(['"Иванов; Иван",8916', "a,b"]) == ","
    assert detect_delimiter(["phone", "8916"]) == ","


def test_title_lines_above_the_table_are_skipped():
    data = csv_bytes(["База клиентов, июнь 2026", "", "Телефон;ФИО", "89161234567;Анна"], sep=";")
    table = open_table(io.BytesIO(data), "x.csv", max_bytes=10**6, is_header=lambda c: "Телефон" in c)
    assert (table.delimiter, table.header_row, table.header) == (";", 3, ["Телефон", "ФИО"])
    assert list(table.rows) == [(4, ["89161234567", "Анна"])]


def test_xlsx_title_rows_are_skipped_too():
    data = xlsx_bytes([["Выгрузка из CRM"], [], ["Телефон", "ФИО"], [89161234567, "Анна"]])
    table = open_table(io.BytesIO(data), "x.xlsx", max_bytes=10**6, is_header=lambda c: "Телефон" in c)
    assert (table.format, table.header_row, table.header) == ("xlsx", 3, ["Телефон", "ФИО"])
    assert list(table.rows) == [(4, ["89161234567", "Анна"])]
    table.close()


@pytest.mark.parametrize(
    "header",
    [
        "Телефон",
        "телефон 2",
        "Тел.",
        "Моб. телефон",
        "Мобильный",
        "Номер телефона",
        "phone",
        "Phone2",
        "tel",
        "mobile",
        "Cell phone",
        "MSISDN",
        "Рабочий телефон",
        "extra_phones",
    ],
)
def test_phone_headers_are_recognised(header):
    assert is_phone_header(header)


@pytest.mark.parametrize("header", ["ФИО", "Телефон ID", "Код телефона", "Номер договора", "number of staff"])
def test_other_headers_are_not_phones(header):
    assert not is_phone_header(header)


def test_names_companies_and_zones_are_mapped_and_the_rest_is_data():
    plan = plan_columns(["ФИО", "Телефон", "Организация", "Часовой пояс", "Город", "", "Город"])
    assert (plan.phone, plan.name, plan.company, plan.timezone) == ((1,), (0,), 2, 3)
    assert plan.data == ((4, "Город"), (5, "column 6"), (6, "Город (2)"))
    parts = plan_columns(["Фамилия", "Имя", "Отчество", "phone", "Company", "TZ"])
    assert (parts.name, parts.company, parts.timezone) == ((0, 1, 2), 4, 5)
    with pytest.raises(ValueError, match="unknown field"):
        plan_columns(["phone"], {"email": "phone"})


@pytest.mark.parametrize(
    ("written", "zone"),
    [
        ("Europe/Moscow", "Europe/Moscow"),
        ("asia/novosibirsk", "Asia/Novosibirsk"),
        ("UTC+3", "Etc/GMT-3"),
        ("+05:00", "Etc/GMT-5"),
        ("МСК", "Europe/Moscow"),
        ("МСК+4", "Etc/GMT-7"),
        ("MSK-1", "Etc/GMT-2"),
        ("UTC", "UTC"),
        ("+5:30", None),
        ("Марс", None),
    ],
)
def test_time_zone_cells(written, zone):
    assert parse_timezone(written) == zone
