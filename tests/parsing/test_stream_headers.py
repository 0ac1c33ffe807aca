"""``streams._headers`` finds exactly the matches of ``_HEADER.finditer`` (the faster scan
must not change which objects the decompression budget sees): on every corpus-like token mix,
digits runs longer than an object number and comments included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.read.pdf import streams

_TOKENS = [
    b"0",
    b"1",
    b"12",
    b"12345678901",
    b" ",
    b"\n",
    b"\r\n",
    b"%c 1 0 obj\n",
    b"obj",
    b"endobj",
    b"<<",
    b"/N",
    b"stream",
    b"\x00",
    b"\xff",
]


def _spans(matches: object) -> list[tuple[tuple[int, int], tuple[bytes | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40))
def test_headers_are_the_header_regex_matches(tokens: list[bytes]) -> None:
    data = b"".join(tokens)
    assert _spans(streams._headers(data)) == _spans(streams._HEADER.finditer(data))


def test_headers_after_long_digit_runs() -> None:
    for data in (
        b"12345678901 0 obj",
        b"9" * 30 + b" 1 0 obj 7 0 obj",
        b"x1 2 0 obj",
        b"1 0 obj<<>>2 0 obj",
        b"1 %c\n0 obj 3 0 obj",
    ):
        assert _spans(streams._headers(data)) == _spans(streams._HEADER.finditer(data))
