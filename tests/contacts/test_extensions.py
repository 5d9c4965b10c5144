"""Office numbers with extensions: the number in E.164, the extension kept on the contact."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from dialer.contacts.extensions import split_extension
from dialer.contacts.importing import import_contacts
from dialer.contacts.models import Contact
from dialer.contacts.phones import PhoneNormaliser

from .conftest import csv_bytes

MARKERS = [
    "доб.",
    "доб",
    "Доб. ",
    "добавочный",
    "вн.",
    "внутр.",
    "ext",
    "ext.",
    "Ext:",
    "extension",
    "x",
    "X",
    "х",
    "#",
]
SHAPES = ["8 ({a}) {b}-{c}-{d}", "+7 {a} {b} {c} {d}", "8{a}{b}{c}{d}", "{a}-{b}-{c}-{d}"]
normaliser = PhoneNormaliser("RU")


@given(
    area=st.sampled_from(["495", "812", "916", "343"]),
    rest=st.integers(min_value=0, max_value=9_999_999),
    shape=st.sampled_from(SHAPES),
    marker=st.sampled_from(MARKERS),
    gap=st.sampled_from(["", " ", ", ", " ("]),
    extension=st.from_regex(r"[0-9]{1,10}", fullmatch=True),
)
@hsettings(max_examples=300, deadline=None)
def test_a_written_extension_is_split_from_its_number(area, rest, shape, marker, gap, extension):
    digits = f"{rest:07d}"
    number = shape.format(a=area, b=digits[:3], c=digits[3:5], d=digits[5:])
    close = ")" if gap.endswith("(") else ""
    written = f"{number}{gap}{marker}{extension}{close}"
    assert split_extension(written) == (number, extension)


@given(st.text(alphabet="0123456789 ()-+", max_size=30))
def test_a_plain_number_never_has_an_extension(text):
    assert split_extension(text) is None


@given(st.text(max_size=40))
def test_splitting_never_fails_and_keeps_only_digits(text):
    split = split_extension(text)
    if split is not None:
        assert split[1].isdigit() and 1 <= len(split[1]) <= 10


async def test_office_numbers_are_imported_with_their_extension(sessions, world, settings):
    data = csv_bytes(
        [
            "Телефон;ФИО;Рабочий",
            "8 (495) 150-22-22 доб. 123;Иванов;",
            "+7 812 123-45-67, ext 45;Петров;",
            "84951234567x45;Сидоров;",
            "8 (343) 222-33-44 #7;Кузнецов;8 916 123-45-67 доб. 9",
            "8 (495) 150-22-22 доб. 124;Иванова;",
            "8 (495) 150-22-22 доп. 1;Смирнов;",
        ]
    )
    report = await import_contacts(sessions, world.campaign_id, io.BytesIO(data), "b.csv", settings=settings)
    async with sessions() as session:
        rows = (
            await session.execute(
                select(Contact.phone, Contact.extension, Contact.extra_phones).order_by(Contact.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("+74951502222", "123", []),
        ("+78121234567", "45", []),
        ("+74951234567", "45", []),
        ("+73432223344", "7", ["+79161234567"]),
    ]
    reasons = {p.row: p.reason for p in report.problems}
    assert reasons[5] == "extension 9 of an extra number not kept (only the first number's is)"
    assert reasons[6] == "duplicate of row 2"  # one number is dialed once, whatever the extension
    assert reasons[7] == "not a number"
    assert (report.imported, report.duplicates, report.rejected) == (4, 1, 1)


async def test_an_extension_column_is_read_for_the_first_number(sessions, world, settings):
    data = csv_bytes(["Телефон;Добавочный", "84951502222;321", "84951502223;двадцать"])
    report = await import_contacts(sessions, world.campaign_id, io.BytesIO(data), "b.csv", settings=settings)
    async with sessions() as session:
        extensions = list(await session.scalars(select(Contact.extension).order_by(Contact.id)))
    assert extensions == ["321", ""]
    assert [(p.row, p.column) for p in report.problems] == [(3, "Добавочный")]
