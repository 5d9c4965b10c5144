"""Range parsing for seeking playback: every answer stays inside the file, or is a clean 416."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordings.ranges import ByteRange, RangeNotSatisfiable, parse_range

sizes = st.integers(min_value=0, max_value=10**9)
positions = st.integers(min_value=0, max_value=2 * 10**9)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-499", ByteRange(0, 499, 10_000)),
        ("bytes=500-999", ByteRange(500, 999, 10_000)),
        ("bytes=-500", ByteRange(9_500, 9_999, 10_000)),
        ("bytes=9500-", ByteRange(9_500, 9_999, 10_000)),
        ("bytes=0-0", ByteRange(0, 0, 10_000)),
        ("bytes=9000-20000", ByteRange(9_000, 9_999, 10_000)),
        ("bytes=-20000", ByteRange(0, 9_999, 10_000)),
        (" Bytes = 1-2 ", ByteRange(1, 2, 10_000)),
    ],
)
def test_examples(header: str, expected: ByteRange) -> None:
    assert parse_range(header, 10_000) == expected


def test_content_range_headers() -> None:
    got = parse_range("bytes=100-", 48044)
    assert got is not None and got.content_range == "bytes 100-48043/48044" and got.length == 47944
    with pytest.raises(RangeNotSatisfiable) as caught:
        parse_range("bytes=48044-", 48044)
    assert caught.value.content_range == "bytes */48044"


@pytest.mark.parametrize("header", [None, "", "items=0-5", "bytes=0-1,5-6", "nonsense"])
def test_whole_file_answers(header: str | None) -> None:
    assert parse_range(header, 100) is None


@pytest.mark.parametrize(
    "header",
    ["bytes=", "bytes=-", "bytes=5-1", "bytes=abc", "bytes=-0", "bytes=1-2-3", "bytes=+1-2", "bytes=٣-٤"],
)
def test_malformed_or_unsatisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 100)


@given(sizes, positions, positions)
def test_closed_range(size: int, a: int, b: int) -> None:
    header = f"bytes={a}-{b}"
    if b < a or a >= size:
        with pytest.raises(RangeNotSatisfiable):
            parse_range(header, size)
        return
    got = parse_range(header, size)
    assert got == ByteRange(a, min(b, size - 1), size)


@given(sizes, positions)
def test_open_range(size: int, a: int) -> None:
    if a >= size:
        with pytest.raises(RangeNotSatisfiable):
            parse_range(f"bytes={a}-", size)
    else:
        assert parse_range(f"bytes={a}-", size) == ByteRange(a, size - 1, size)


@given(sizes, positions)
def test_suffix_range(size: int, n: int) -> None:
    if n == 0 or size == 0:
        with pytest.raises(RangeNotSatisfiable):
            parse_range(f"bytes=-{n}", size)
    else:
        got = parse_range(f"bytes=-{n}", size)
        assert got is not None and got.end == size - 1 and got.length == min(n, size)


@given(st.text(max_size=40), sizes)
def test_any_header_is_whole_range_or_416(header: str, size: int) -> None:
    try:
        got = parse_range(header, size)
    except RangeNotSatisfiable as refused:
        assert refused.size == size
        return
    if got is not None:
        assert 0 <= got.start <= got.end < size and got.length == got.end - got.start + 1


@given(st.binary(max_size=300), st.data())
def test_ranges_slice_like_python(data: bytes, draw: st.DataObject) -> None:
    a = draw.draw(st.integers(0, 400))
    b = draw.draw(st.integers(0, 400))
    try:
        got = parse_range(f"bytes={a}-{b}", len(data))
    except RangeNotSatisfiable:
        assert a >= len(data) or b < a
        return
    assert got is not None and data[got.start : got.end + 1] == data[a : b + 1]
