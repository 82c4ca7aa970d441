"""Where a key of the policy file is: the line of the deepest part of its path found in
the text, for error messages (`file:line: key: what is wrong`)."""

from __future__ import annotations

import re
from collections import Counter

# A path into the policy document: keys and array-of-table indexes.
KeyPath = tuple[str | int, ...]

_KEY_PART = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_KEY_LINE = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]")


def _key_parts(text: str) -> tuple[str, ...]:
    parts = re.findall(_KEY_PART, text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def locate(text: str, path: KeyPath) -> int | None:
    """The 1-based line where `path` (keys and array-of-table indexes) is defined, or
    of its deepest ancestor found; None when not even the top key is in the text."""
    best, best_depth = None, 0
    header: KeyPath = ()
    seen: Counter[tuple[str, ...]] = Counter()
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            names = _key_parts(m.group(2))
            if m.group(1) == "[[":
                header = (*names, seen[names])
                seen[names] += 1
            else:
                header = names
            full = header
        else:
            k = _KEY_LINE.match(line)
            if not k:
                continue
            full = (*header, *_key_parts(k.group(1)))
        depth = len(full)
        if depth > best_depth and full == path[:depth]:
            best, best_depth = lineno, depth
    return best
