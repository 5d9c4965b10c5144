"""Which column of a base holds what: phone(s), name, company, time zone, and the card's custom fields.

Headers are recognised in Russian and English as contact centres receive them (``Телефон``,
``Телефон 2``, ``Моб. телефон``, ``phone``, ``tel``, ``mobile``; ``ФИО`` or ``Фамилия``/``Имя``/
``Отчество``; ``Компания``, ``Организация``; ``Часовой пояс``, ``timezone``, ``tz``; ``Согласие``,
``consent`` for the consent to advertising calls that the Russian compliance profile asks for;
``Добавочный``, ``доб``, ``extension`` for the first number's extension). An
explicit map (``{"phone": "Контакт", "name": "Клиент"}``; several phone columns as ``"Тел1,Тел2"``)
overrides the guess for the fields it names. Every other column is kept, under its header, in the
contact's data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dialer.contacts.errors import UnreadableFile

FIELDS = ("phone", "name", "company", "timezone", "consent", "extension")

_PHONE_WORDS = frozenset(
    {
        "телефон",
        "телефоны",
        "тел",
        "моб",
        "мобильный",
        "мобильного",
        "сотовый",
        "phone",
        "phones",
        "tel",
        "telephone",
        "mobile",
        "cell",
        "cellphone",
        "msisdn",
    }
)
# The kind of a number, a header on its own (``Рабочий``) or with a word for number (``Work phone``).
_KIND_WORDS = frozenset(
    {
        "рабочий",
        "рабочего",
        "домашний",
        "домашнего",
        "служебный",
        "городской",
        "work",
        "home",
        "landline",
    }
)
_NUMBER_WORDS = frozenset({"телефон", "тел", "номер", "phone", "number", "no", "tel"})
_PHONE_EXCLUDED_WORDS = frozenset({"id", "код", "code", "тип", "type", "договора", "заказа", "order"})
_NAME = frozenset(
    {
        "фио",
        "ф и о",
        "фамилия имя отчество",
        "имя фамилия",
        "контактное лицо",
        "контакт",
        "имя клиента",
        "клиент фио",
        "name",
        "full name",
        "fullname",
        "contact",
        "contact name",
        "contact person",
        "customer name",
        "person",
    }
)
_SURNAME = frozenset({"фамилия", "surname", "last name", "lastname", "family name"})
_FIRST_NAME = frozenset({"имя", "first name", "firstname", "given name"})
_MIDDLE_NAME = frozenset({"отчество", "middle name", "patronymic"})
_COMPANY = frozenset(
    {
        "компания",
        "организация",
        "название организации",
        "наименование организации",
        "название компании",
        "наименование",
        "фирма",
        "юр лицо",
        "юрлицо",
        "юридическое лицо",
        "company",
        "company name",
        "organisation",
        "organization",
        "org",
        "employer",
        "business",
    }
)
_TIMEZONE = frozenset(
    {"часовой пояс", "пояс", "таймзона", "тайм зона", "timezone", "time zone", "tz", "utc offset"}
)
_CONSENT = frozenset(
    {
        "согласие",
        "согласие на звонки",
        "согласие на рекламу",
        "согласие на обработку",
        "согласие на обработку пд",
        "consent",
        "opt in",
        "optin",
        "marketing consent",
    }
)
_EXTENSION = frozenset(
    {"добавочный", "доб", "добавочный номер", "внутренний", "внутренний номер", "extension", "ext"}
)
_SEPARATORS = re.compile(r"[\s_\-./№#:,()]+")
_TRAILING_NUMBER = re.compile(r"\s*\d+$")


def header_key(header: str) -> str:
    """A header reduced for recognition: lower case, ё as е, punctuation as spaces, no trailing number."""
    key = _SEPARATORS.sub(" ", header.lower().replace("ё", "е")).strip()
    return _TRAILING_NUMBER.sub("", key).strip()


def is_phone_header(header: str) -> bool:
    key = header_key(header)
    if key in ("номер телефона", "phone number", "номер", "number"):
        return True
    words = set(key.split())
    if words and words <= _KIND_WORDS | _NUMBER_WORDS and words & _KIND_WORDS:
        return True  # Рабочий, Домашний номер, work, Home phone: not Домашний адрес, Work e-mail
    return bool(words & _PHONE_WORDS) and not words & _PHONE_EXCLUDED_WORDS


def looks_like_header(cells: Sequence[str], column_map: Mapping[str, str] | None = None) -> bool:
    """Whether a row can be the header: it names the mapped phone column(s), or a phone column."""
    if column_map and "phone" in column_map:
        present = {cell.strip().lower() for cell in cells}
        return all(part.strip().lower() in present for part in column_map["phone"].split(",") if part.strip())
    return any(is_phone_header(cell) for cell in cells)


@dataclass(frozen=True)
class ColumnPlan:
    """Column indexes for each field, in file order, and the data columns with their keys."""

    headers: tuple[str, ...]
    phone: tuple[int, ...]
    name: tuple[int, ...]
    company: int | None
    timezone: int | None
    data: tuple[tuple[int, str], ...]
    reason: int | None = None
    consent: int | None = None
    extension: int | None = None

    def header_of(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else f"column {index + 1}"


def _find(headers: Sequence[str], wanted: str) -> int:
    stripped = [h.strip() for h in headers]
    for candidates in (stripped, [h.lower() for h in stripped]):
        target = wanted.strip() if candidates is stripped else wanted.strip().lower()
        if target in candidates:
            return candidates.index(target)
    raise UnreadableFile(
        f"column {wanted!r} named in the mapping is not in the file's header ({', '.join(stripped)})"
    )


def _data_keys(headers: Sequence[str], indexes: Sequence[int]) -> tuple[tuple[int, str], ...]:
    seen: dict[str, int] = {}
    keys = []
    for index in indexes:
        key = headers[index].strip() or f"column {index + 1}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key} ({seen[key]})"
        keys.append((index, key))
    return tuple(keys)


def check_column_map(column_map: Mapping[str, str], *, reason_column: bool = False) -> None:
    """``ValueError`` for a field the map names that is not one of :data:`FIELDS`."""
    unknown = set(column_map) - set(FIELDS) - ({"reason"} if reason_column else set())
    if unknown:
        raise ValueError(f"unknown field(s) in the column map: {', '.join(sorted(unknown))}; known: {FIELDS}")


def plan_columns(
    headers: Sequence[str], column_map: Mapping[str, str] | None = None, *, reason_column: bool = False
) -> ColumnPlan:
    """Map a header row to fields; raises :class:`UnreadableFile` if no column holds phone numbers."""
    column_map = dict(column_map or {})
    check_column_map(column_map, reason_column=reason_column)
    keys = [header_key(h) for h in headers]
    used: set[int] = set()

    if "phone" in column_map:
        phone = tuple(_find(headers, part) for part in column_map["phone"].split(",") if part.strip())
    else:
        phone = tuple(i for i, h in enumerate(headers) if is_phone_header(h))
    if not phone:
        raise UnreadableFile(
            "no phone column in the header row (found: "
            + ", ".join(h.strip() or "(empty)" for h in headers)
            + "); name it Телефон or phone, or map it explicitly (phone=COLUMN)"
        )
    used.update(phone)

    def single(field: str, names: frozenset[str]) -> int | None:
        if field in column_map:
            return _find(headers, column_map[field])
        return next((i for i, k in enumerate(keys) if k in names and i not in used), None)

    name: tuple[int, ...]
    if "name" in column_map:
        name = (_find(headers, column_map["name"]),)
    else:
        full = single("name", _NAME)
        parts = [single("name", group) for group in (_SURNAME, _FIRST_NAME, _MIDDLE_NAME)]
        if full is not None:
            name = (full,)
        elif parts[0] is not None:
            name = tuple(i for i in parts if i is not None)
        elif parts[1] is not None:
            name = (parts[1],)
        else:
            name = ()
    used.update(name)
    company = single("company", _COMPANY)
    if company is not None:
        used.add(company)
    timezone = single("timezone", _TIMEZONE)
    if timezone is not None:
        used.add(timezone)
    consent = single("consent", _CONSENT)
    if consent is not None:
        used.add(consent)
    extension = single("extension", _EXTENSION)
    if extension is not None:
        used.add(extension)
    reason = None
    if reason_column:
        reason_names = frozenset({"причина", "reason", "комментарий", "comment", "примечание", "note"})
        reason = single("reason", reason_names)
        if reason is not None:
            used.add(reason)
    data = _data_keys(headers, [i for i in range(len(headers)) if i not in used])
    return ColumnPlan(tuple(headers), phone, name, company, timezone, data, reason, consent, extension)
