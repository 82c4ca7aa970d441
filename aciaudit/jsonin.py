"""JSON read from outside (files, ARM answers, scan reports): no lone surrogate gets in.

Python's reader accepts `"\\ud800"` (a UTF-16 half with no partner), but no UTF-8 output
can hold one: a report, a snapshot or the screen would fail on it. Each is replaced by
U+FFFD, the replacement character, where it is read. Pairs (`\\ud83d\\ude00`) are joined by
the reader into one character and stay as they are.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Escaped UTF-16 halves (`\ud800`-`\udfff`): a literal prefix, so the search is quick.
_HALF = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_HALF_BYTES = re.compile(_HALF.pattern.encode())
_HIGH = frozenset("89abAB")  # the third hex digit of a high half (d800-dbff)
_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(text: str | bytes, **options: Any) -> Any:
    """`json.loads(text, **options)`, with every lone surrogate replaced by U+FFFD."""
    data = json.loads(text, **options)
    return _clean(data) if _has_lone_half(text) else data


def _has_lone_half(text: str | bytes) -> bool:
    """Whether an escaped half stands alone: a high one not followed by a low one, or a
    low one after anything but a high one. (An escaped backslash before `u` may look like
    one; that only costs a walk that changes nothing.)"""
    halves = _HALF_BYTES.finditer(text) if isinstance(text, bytes) else _HALF.finditer(text)
    high_end = -1  # where the last high half ended, while its partner may follow
    for m in halves:
        third = m.group(0)[3]  # a character, or a byte's value
        is_high = (chr(third) if isinstance(third, int) else third) in _HIGH
        if high_end >= 0 and (is_high or m.start() != high_end):
            return True  # the pending high half had no partner
        if is_high:
            high_end = m.end()
        elif high_end != m.start():
            return True  # a low half with no high half before it
        else:
            high_end = -1
    return high_end >= 0


def _fix(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _clean(data: Any) -> Any:
    if isinstance(data, str):
        return _fix(data)
    # Iterative: a deep document must not cost a frame per level.
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in [k for k in node if isinstance(k, str) and _SURROGATE.search(k)]:
                node[_fix(key)] = node.pop(key)
            items = node.items()
        elif isinstance(node, list):
            items = enumerate(node)  # type: ignore[assignment]
        else:
            continue
        for index, value in list(items):
            if isinstance(value, str):
                if _SURROGATE.search(value):
                    node[index] = _fix(value)
            elif isinstance(value, dict | list):
                stack.append(value)
    return data
