"""The fast path gives exactly phonenumbers' answers: E.164 or refusal, and the time zone."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.contacts.phone_fastpath import fast_path_for
from dialer.contacts.phones import PhoneNormaliser, PhoneProblem, reference_normalise

SEPARATORS = [" ", "-", "", ".", "  "]


def _written(rng: random.Random, digits: str) -> str:
    """A number as people type it: grouped, with separators, brackets around the area code, spaces."""
    style = rng.randrange(6)
    if style == 0:
        return digits
    if style == 1 and len(digits) >= 10:
        area, rest = digits[-10:-7], digits[-7:]
        head = digits[:-10]
        sep = rng.choice(SEPARATORS)
        return f"{head} ({area}) {rest[:3]}{sep}{rest[3:5]}{sep}{rest[5:]}".strip()
    if style == 2:
        out = []
        for ch in digits:
            out.append(ch)
            if rng.random() < 0.3:
                out.append(rng.choice(" -.()"))
        return "".join(out)
    if style == 3:
        return f"  {digits}\t"
    if style == 4:
        groups = [digits[i : i + rng.choice((2, 3, 4))] for i in range(0, len(digits), 3)]
        return rng.choice(SEPARATORS).join(groups)
    return "-".join([digits[:1], digits[1:4], digits[4:7], digits[7:]])


def _national(rng: random.Random) -> str:
    first = rng.choice("3489" * 4 + "0125679")
    return first + "".join(rng.choice("0123456789") for _ in range(9))


def corpus(size: int, seed: int = 20261127) -> list[str]:
    rng = random.Random(seed)
    numbers: list[str] = []
    while len(numbers) < size:
        nsn = _national(rng)
        kind = rng.randrange(12)
        if kind < 3:
            digits = "8" + nsn
        elif kind < 5:
            digits = "+7" + nsn
        elif kind < 7:
            digits = "7" + nsn
        elif kind < 9:
            digits = nsn
        elif kind == 9:  # other lengths, other countries, IDD
            digits = (
                rng.choice(["810", "+380", "+375", "+49", "+1", "+77", "00", "+8", "8", ""])
                + nsn[: rng.randrange(3, 12)]
            )
        elif kind == 10:  # noise
            alphabet = "0123456789  +-()./#*xX,;доб"
            digits = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20)))
        else:
            digits = (
                rng.choice(["8", "+7", "7", "", "+7 8"]) + nsn + rng.choice(["", "1", "12", "#12", " доб. 5"])
            )
        numbers.append(_written(rng, digits) if rng.random() < 0.8 and "+" not in digits[1:] else digits)
    return numbers


def test_fast_path_equals_phonenumbers_on_a_large_generated_corpus():
    fast = fast_path_for("RU")
    assert fast is not None
    normaliser = PhoneNormaliser("RU")
    handled = 0
    numbers = corpus(200_000)
    for written in numbers:
        expected = reference_normalise(written, "RU")
        quick = fast.normalise(written)
        if quick is not None:
            handled += 1
            assert quick == expected, written
        assert normaliser.normalise(written) == expected, written
    assert handled > 0.6 * len(numbers)  # the corpus really exercises the fast path


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("8 (495) 150-22-22", ("+74951502222", "Europe/Moscow")),
        ("+7 495 150 22 22", ("+74951502222", "Europe/Moscow")),
        ("84951502222", ("+74951502222", "Europe/Moscow")),
        ("495-150-22-22", ("+74951502222", "Europe/Moscow")),
        ("8 383 200-00-00", ("+73832000000", "Asia/Novosibirsk")),
        ("8 916 123-45-67", ("+79161234567", None)),  # mobile: sixteen candidate zones, none chosen
        ("8 800 555-35-35", ("+78005553535", None)),
        ("+7 701 234 56 78", ("+77012345678", None)),  # Kazakhstan shares +7
        ("", PhoneProblem.EMPTY),
        ("   ", PhoneProblem.EMPTY),
        ("нет номера", PhoneProblem.NOT_A_NUMBER),
        ("8 916 abc", PhoneProblem.NOT_A_NUMBER),
        ("8 916 123", PhoneProblem.INVALID),
        ("8 123 456 78 90", PhoneProblem.INVALID),
    ],
)
def test_known_numbers(written, expected):
    assert PhoneNormaliser("RU").normalise(written) == expected
    assert reference_normalise(written, "RU") == expected


national = st.text(alphabet="0123456789", min_size=10, max_size=10)
shapes = st.sampled_from(["8{}", "+7{}", "7{}", "{}", "+7 ({}", "8-{}-", " +7{} "])


@settings(max_examples=3000, deadline=None)
@given(nsn=national, shape=shapes, separators=st.lists(st.sampled_from(" -().")))
def test_any_national_number_in_any_shape_agrees(nsn, shape, separators):
    written = shape.format(nsn)
    for sep in separators:
        cut = len(written) // 2
        written = written[:cut] + sep + written[cut:]
    assert PhoneNormaliser("RU").normalise(written) == reference_normalise(written, "RU")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789 +-().#*/,x\u00a0٣", max_size=24))
def test_any_text_of_number_characters_agrees(written):
    assert PhoneNormaliser("RU").normalise(written) == reference_normalise(written, "RU")


def test_a_region_without_a_fast_path_uses_phonenumbers_alone():
    assert fast_path_for("DE") is None
    assert PhoneNormaliser("DE").normalise("030 1234567") == reference_normalise("030 1234567", "DE")
