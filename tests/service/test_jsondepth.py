"""The JSON depth count (``service/jsondepth.py``) that every reader of JSON asks first: it
counts arrays and objects, not brackets inside strings, and holds across chunk boundaries."""

from __future__ import annotations

import json

import pytest

from service.jsondepth import JsonDepth, nested_deeper_than


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('"[[[[[["', 0),  # brackets in a string
        ('["\\"[[[["]', 1),  # an escaped quote does not end the string
        ('["\\\\", [[]]]', 3),  # an escaped backslash does
        ("]]]]][[[", 3),  # a stray closer earns no credit
        ('{"a":' + "[" * 960 + "]" * 960 + "}", 961),
    ],
)
def test_depth_counts_nesting_only(text: str, depth: int) -> None:
    assert not nested_deeper_than(text, depth)
    assert nested_deeper_than(text, depth - 1) == (depth > 0)


def test_depth_holds_across_chunks() -> None:
    text = json.dumps({"k\\": ["[", "\\\\", {"x": ["]"]}]}).encode()
    whole = JsonDepth(4)
    assert not whole.feed(text)
    for size in range(1, len(text)):
        counter = JsonDepth(4)
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        assert not any(counter.feed(chunk) for chunk in chunks), size
        assert counter.depth == 0
        deeper = JsonDepth(3)
        assert any(deeper.feed(chunk) for chunk in chunks), size
