"""A base with work, home and mobile columns: every one is a number of the contact, in file order."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from dialer.contacts.columns import is_phone_header
from dialer.contacts.importing import import_contacts
from dialer.contacts.models import Contact

from .conftest import csv_bytes


@pytest.mark.parametrize(
    "header",
    [
        "Рабочий",
        "Домашний",
        "Мобильный",
        "Телефон 2",
        "Рабочий телефон",
        "Тел. домашний",
        "work",
        "Home",
        "Work phone",
        "mobile",
        "Городской",
        "Служебный",
    ],
)
def test_usual_names_of_a_second_number_are_phone_columns(header):
    assert is_phone_header(header)


@pytest.mark.parametrize("header", ["Домашний адрес", "Work e-mail", "Home address", "Доп.", "business"])
def test_other_columns_that_share_a_word_stay_card_data(header):
    assert not is_phone_header(header)


async def test_the_second_and_third_numbers_are_extra_phones_and_addresses_stay_on_the_card(
    sessions, world, settings
):
    data = csv_bytes(
        [
            "ФИО;Мобильный;Рабочий;Домашний;Домашний адрес",
            "Анна;8 916 123-45-67;8 (495) 150-22-22;8 (495) 150-22-23;Москва, Тверская 1",
            "Пётр;;8 (495) 150-22-24;;",
        ]
    )
    await import_contacts(sessions, world.campaign_id, io.BytesIO(data), "b.csv", settings=settings)
    async with sessions() as session:
        contacts = list(await session.scalars(select(Contact).order_by(Contact.id)))
    assert [(c.phone, c.extra_phones) for c in contacts] == [
        ("+79161234567", ["+74951502222", "+74951502223"]),
        ("+74951502224", []),
    ]
    assert contacts[0].data == {"Домашний адрес": "Москва, Тверская 1"}
