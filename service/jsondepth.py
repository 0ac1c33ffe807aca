"""JSON nesting depth, counted over the raw text before anything parses it.

Python's ``json`` parser recurses once per level of nesting (and so does most code that walks
the result), so a small body nested a thousand levels deep is a ``RecursionError``, not a
parse error. Every JSON the service reads (request bodies while they stream, a posting's JSON
in a form field or file, a fetched feed) is counted here first, against
``ROLEFIT_MAX_JSON_DEPTH``.
"""

from __future__ import annotations

import re

__all__ = ["JsonDepth", "nested_deeper_than"]

_JSON_TOKENS = re.compile(rb'["\\\[\]{}]')


class JsonDepth:
    """Tracks the nesting depth of a JSON text chunk by chunk, as it arrives (strings and
    their escapes skipped), so a text nested too deep is refused before anything parses it
    (Python's parser, and whatever walks the result, would recurse once per level)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.depth = 0
        self.in_string = False
        self.escaped = False

    def feed(self, chunk: bytes) -> bool:
        """Take the next chunk; True once the depth went past the limit."""
        skip = 0 if self.escaped else -1
        self.escaped = False
        for match in _JSON_TOKENS.finditer(chunk):
            pos = match.start()
            if pos == skip:
                continue
            char = chunk[pos]
            if self.in_string:
                if char == 0x5C:  # backslash: the next byte is escaped
                    if pos + 1 >= len(chunk):
                        self.escaped = True
                    skip = pos + 1
                elif char == 0x22:
                    self.in_string = False
            elif char == 0x22:
                self.in_string = True
            elif char in (0x5B, 0x7B):
                self.depth += 1
                if self.depth > self.limit:
                    return True
            elif char in (0x5D, 0x7D) and self.depth > 0:  # a stray closer earns no credit
                self.depth -= 1
        return False


def nested_deeper_than(data: bytes | str, limit: int) -> bool:
    """Whether a JSON text (valid or not) nests arrays and objects deeper than ``limit``."""
    return JsonDepth(limit).feed(data.encode("utf-8", "replace") if isinstance(data, str) else data)
